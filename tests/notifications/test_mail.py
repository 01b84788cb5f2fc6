"""Rendering and sending email: the .eml outbox, a real SMTP server, refusals, bad input."""
from __future__ import annotations

import datetime as dt
import email
import os
import re
from email import policy

import pytest

from shop.notifications import mail
from tests.notifications.smtp import SmtpServer


def body(message, kind: str) -> str:
    """A part's text with line ends as written (the wire uses CRLF)."""
    return message.get_body((kind,)).get_content().replace("\r\n", "\n").strip()


def read_eml(path):
    with open(path, "rb") as fh:
        return email.message_from_binary_file(fh, policy=policy.default)


def test_render_email_puts_both_languages_in_the_base_layout(app_ctx, sample_templates):
    # Given a message template built on the bilingual layouts
    # When it is rendered for a name that contains markup
    rendered = mail.render_email("sample", name="李<b>")

    # Then the subject comes from the subject block, Chinese first, then English
    assert rendered.subject == "样品 李<b> · Sample for 李<b>"
    text = rendered.text
    assert text.index("李<b>，您好！合计 ¥128.00") < text.index("Hello 李<b>, total CN¥128.00")
    assert "本邮件由系统自动发送" in text and "sent automatically" in text
    # And the HTML part escapes the value and marks each language
    assert "李&lt;b&gt;，您好！" in rendered.html and "<b>" not in rendered.html.split("<body")[1]
    assert 'lang="zh-CN"' in rendered.html and 'lang="en"' in rendered.html
    assert "<title>样品 李&lt;b&gt; · Sample for 李&lt;b&gt;</title>" in rendered.html


def test_without_mail_url_a_message_becomes_an_eml_file(app_ctx, mail_dir):
    # When a message is sent with no MAIL_URL configured
    message_id = mail.send_email("buyer@example.com", "订单确认 · Order confirmation", "你好\n\nHello",
                                 "<p>你好</p><p>Hello</p>")

    # Then exactly one complete .eml file named <UTC timestamp>-<Message-ID> is in the outbox
    files = os.listdir(mail_dir)
    assert len(files) == 1
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{32}@harvest-bridge\.localhost\.eml", files[0])
    assert message_id.strip("<>") in files[0]
    parsed = read_eml(mail_dir / files[0])
    assert parsed["To"] == "buyer@example.com"
    assert parsed["Subject"] == "订单确认 · Order confirmation"
    assert parsed["From"].addresses[0].addr_spec == "no-reply@harvest-bridge.localhost"
    assert parsed["Message-ID"] == message_id
    assert parsed["Content-Language"] == "zh-CN, en"
    assert body(parsed, "plain") == "你好\n\nHello"
    assert body(parsed, "html") == "<p>你好</p><p>Hello</p>"


def test_the_same_message_sent_twice_is_one_file(app_ctx, mail_dir):
    # Given a stored message's fixed Message-ID and date
    sent = dt.datetime(2024, 9, 1, 8, 30, tzinfo=dt.timezone.utc)
    # When it is sent twice (a re-delivered task)
    for _ in range(2):
        mail.send_email("buyer@example.com", "Hi", "text", message_id="<fixed-1@shop.test>", date=sent)
    # Then the second copy replaced the first, and no temporary file was left behind
    assert os.listdir(mail_dir) == ["20240901T083000Z-fixed-1@shop.test.eml"]


def test_smtp_delivery_logs_in_and_sends_both_parts(app_ctx, smtp_server):
    # When a message is sent with MAIL_URL pointing at an SMTP server (with credentials)
    message_id = mail.send_email("farm@example.com", "新订单 · New order", "请发货\nPlease ship", "<p>请发货</p>")

    # Then the server received one message with the Chinese subject and both parts intact
    [received] = smtp_server.messages()
    assert received["Message-ID"] == message_id
    assert received["Subject"] == "新订单 · New order"
    assert body(received, "plain") == "请发货\nPlease ship"
    assert body(received, "html") == "<p>请发货</p>"
    assert smtp_server.handler.envelopes[0].rcpt_tos == ["farm@example.com"]


@pytest.mark.parametrize("reply, error", [
    ("550 5.1.1 No such user", mail.PermanentMailError),
    ("451 4.3.0 Try again later", mail.TransientMailError),
])
def test_smtp_refusals_are_told_apart(app_ctx, smtp_server, reply, error):
    smtp_server.handler.refuse_recipients = reply
    with pytest.raises(error):
        mail.send_email("nobody@example.com", "Hi", "text")
    assert smtp_server.messages() == []


def test_an_unreachable_smtp_server_is_a_transient_failure(app, app_ctx, monkeypatch):
    closed_port = SmtpServer().port  # reserved, nothing listening
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{closed_port}")
    with pytest.raises(mail.TransientMailError):
        mail.send_email("buyer@example.com", "Hi", "text")


def test_wrong_smtp_password_is_transient_not_a_lost_message(app, app_ctx, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://shop:wrong@127.0.0.1:{smtp_server.port}")
    with pytest.raises(mail.TransientMailError):
        mail.send_email("buyer@example.com", "Hi", "text")


@pytest.mark.parametrize("to", ["", "not-an-address", "a@example.com, b@example.com",
                                "a@example.com\r\nBcc: evil@example.com", "x" * 320 + "@example.com"])
def test_malformed_recipients_are_refused_before_sending(app_ctx, mail_dir, to):
    with pytest.raises(ValueError):
        mail.send_email(to, "Hi", "text")
    assert not mail_dir.exists() or os.listdir(mail_dir) == []


def test_a_subject_cannot_inject_headers(app_ctx, mail_dir):
    with pytest.raises(ValueError):
        mail.send_email("buyer@example.com", "Hi\r\nBcc: evil@example.com", "text")


def test_seven_bit_copy_for_servers_without_8bitmime(app_ctx):
    message = mail.build_message("buyer@example.com", "你好", "中文正文\nEnglish body", "<p>中文</p>")
    copy = mail._as_seven_bit(message)
    raw = copy.as_bytes(policy=policy.SMTP)
    assert max(raw) < 128
    assert body(copy, "plain") == "中文正文\nEnglish body"
    assert body(copy, "html") == "<p>中文</p>"
