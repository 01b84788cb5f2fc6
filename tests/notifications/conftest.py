"""Fixtures for the email tests: a private .eml outbox, a local SMTP server, sample templates."""
from __future__ import annotations

import pytest
from jinja2 import ChoiceLoader, DictLoader

from tests.notifications.smtp import SmtpServer

SAMPLE_TEMPLATES = {
    "email/sample.txt": (
        '{% extends "email/base.txt" %}'
        "{% block subject %}样品 {{ name }} · Sample for {{ name }}{% endblock %}"
        "{% block body_zh %}{{ name }}，您好！合计 {{ money(12800, 'zh') }}。{% endblock %}"
        "{% block body_en %}Hello {{ name }}, total {{ money(12800, 'en') }}.{% endblock %}"
    ),
    "email/sample.html": (
        '{% extends "email/base.html" %}'
        "{% block body_zh %}<p>{{ name }}，您好！</p>{% endblock %}"
        "{% block body_en %}<p>Hello {{ name }}.</p>{% endblock %}"
    ),
}


@pytest.fixture
def mail_dir(app, tmp_path, monkeypatch):
    """The app writes mail as .eml files into a folder of this test's own."""
    folder = tmp_path / "outbox"
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(folder))
    monkeypatch.setitem(app.config, "MAIL_URL", None)
    return folder


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A running local SMTP server, and the app pointed at it."""
    with SmtpServer() as server:
        monkeypatch.setitem(app.config, "MAIL_URL", server.url)
        yield server


@pytest.fixture
def sample_templates(app, monkeypatch):
    """Adds ``email/sample.txt`` and ``email/sample.html`` (built on the real base layouts)."""
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([DictLoader(SAMPLE_TEMPLATES), app.jinja_env.loader]))
