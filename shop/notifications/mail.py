"""Email: bilingual rendering from ``templates/email/`` and delivery through one small transport.

The transport is chosen by ``MAIL_URL``:

- unset (the embedded default): each message is written as an RFC 5322 ``.eml`` file in
  ``MAIL_OUTBOX_DIR`` (``instance/outbox/``), named ``<UTC timestamp>-<Message-ID>.eml`` and
  written atomically (a temporary file renamed into place), so a reader never sees half a message;
- ``smtp://user:password@host:port`` (``?starttls=true`` to upgrade the connection) or
  ``smtps://…`` for TLS from the first byte.

Failures are split in two: ``TransientMailError`` (connection trouble, 4xx answers, timeouts: try
again later) and ``PermanentMailError`` (the server refused this message or its recipient for good).
"""
from __future__ import annotations

import datetime as dt
import email
import os
import re
import smtplib
import ssl
import tempfile
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_datetime
from flask import current_app
from jinja2 import TemplateNotFound

from shop.db import utcnow
from shop.i18n import babel_locale
from shop.money import format_fen


class MailError(Exception):
    """Sending an email failed."""


class TransientMailError(MailError):
    """The mail server is unreachable or asked us to come back later."""


class PermanentMailError(MailError):
    """The mail server refused this message for good; sending it again will not help."""


# --- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str | None = None


def _email_helpers() -> dict:
    tz = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))

    def local_time(value: dt.datetime, locale: str, fmt: str = "medium") -> str:
        return babel_datetime(value.astimezone(tz), format=fmt, locale=babel_locale(locale))

    # Both languages are in every message, so helpers take the locale explicitly.
    return {"money": format_fen, "local_time": local_time}


def render_email(template: str, /, **context) -> RenderedEmail:
    """Render ``email/<template>.txt`` (required) and ``email/<template>.html`` (if present).

    The text template's ``subject`` block is the subject; its ``body_zh`` and ``body_en`` blocks
    fill the bilingual layout of ``email/base.txt`` (and likewise for ``base.html``).  Templates
    see ``money(fen, locale)`` and ``local_time(utc_datetime, locale)``.
    """
    env = current_app.jinja_env
    values = {**_email_helpers(), **context}
    text_template = env.get_template(f"email/{template}.txt")
    subject_block = text_template.blocks.get("subject")
    if subject_block is None:
        raise ValueError(f"email/{template}.txt has no subject block")
    subject = " ".join("".join(subject_block(text_template.new_context(values))).split())
    text = text_template.render(values)
    try:
        html_template = env.get_template(f"email/{template}.html")
    except TemplateNotFound:
        html = None
    else:
        html = html_template.render({**values, "subject": subject})
    return RenderedEmail(subject=subject, text=text, html=html)


# --- messages --------------------------------------------------------------------------------

_ADDRESS = re.compile(r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+$")


def check_address(address: str) -> str:
    """The address, stripped, if it is one plain ``local@domain`` address; ``ValueError`` otherwise."""
    address = (address or "").strip()
    if len(address) > 320 or not _ADDRESS.match(address):
        raise ValueError(f"not a single email address: {address!r}")
    return address


def new_message_id() -> str:
    """A globally unique RFC 5322 Message-ID in the sender's domain."""
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "harvest-bridge.localhost"
    return f"<{uuid.uuid4().hex}@{domain}>"


def build_message(to: str, subject: str, text: str, html: str | None = None, *,
                  message_id: str | None = None, date: dt.datetime | None = None) -> EmailMessage:
    """An RFC 5322 message from ``MAIL_FROM`` to ``to``: a text part, plus an HTML alternative."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = check_address(to)
    message["Subject"] = subject  # the policy rejects CR/LF, so no header injection
    message["Date"] = format_datetime(date or utcnow())
    message["Message-ID"] = message_id or new_message_id()
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    message["Content-Language"] = "zh-CN, en"  # after set_content, which clears Content-* headers
    return message


def _as_seven_bit(message: EmailMessage) -> EmailMessage:
    """A copy whose text parts are base64, for a server that does not announce 8BITMIME."""
    copy = email.message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.SMTP)
    for part in copy.walk():
        if not part.is_multipart() and part.get_content_maintype() == "text":
            part.set_content(part.get_content(), subtype=part.get_content_subtype(), cte="base64")
    return copy


# --- transports ------------------------------------------------------------------------------


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class FileTransport:
    """Writes each message as ``<UTC timestamp>-<Message-ID>.eml`` in ``folder``.

    The name depends only on the message's Date and Message-ID, so sending the same stored email
    twice replaces the file instead of adding a second one.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def path_for(self, message: EmailMessage) -> str:
        when = message["Date"].datetime.astimezone(dt.timezone.utc)
        ident = re.sub(r"[^A-Za-z0-9._@-]", "", str(message["Message-ID"]))
        return os.path.join(self.folder, f"{when:%Y%m%dT%H%M%SZ}-{ident}.eml")

    def send(self, message: EmailMessage) -> None:
        os.makedirs(self.folder, exist_ok=True)
        target = self.path_for(message)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes(policy=policy.SMTP))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, target)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise


class SmtpTransport:
    """Sends through an SMTP server given as ``smtp://`` or ``smtps://`` URL."""

    def __init__(self, url: str, timeout: float = 10):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("MAIL_URL must look like smtp://user:password@host:port or smtps://…")
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.starttls:
            client.starttls(context=ssl.create_default_context())
        return client

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                client.ehlo_or_helo_if_needed()
                if self.username:
                    client.login(self.username, self.password or "")
                if client.has_extn("8bitmime"):
                    client.send_message(message, mail_options=["BODY=8BITMIME"])
                else:
                    client.send_message(_as_seven_bit(message))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _text in exc.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentMailError(f"recipient refused: {exc.recipients}") from exc
            raise TransientMailError(f"recipient deferred: {exc.recipients}") from exc
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                raise PermanentMailError(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TransientMailError(f"message deferred: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            # Connection trouble, timeouts, a refused login or sender: retrying later is the only
            # useful reaction (a configuration mistake must not throw mail away).
            raise TransientMailError(f"{type(exc).__name__}: {exc}") from exc


def transport() -> MailTransport:
    """The transport ``MAIL_URL`` selects for the current app."""
    url = current_app.config.get("MAIL_URL")
    if url:
        return SmtpTransport(url, timeout=current_app.config.get("MAIL_TIMEOUT", 10))
    return FileTransport(current_app.config["MAIL_OUTBOX_DIR"])


def send_email(to: str, subject: str, text: str, html: str | None = None, *,
               message_id: str | None = None, date: dt.datetime | None = None) -> str:
    """Send one email now, through the configured transport; returns its Message-ID.

    Raises ``ValueError`` for a malformed address, ``TransientMailError`` or ``PermanentMailError``.
    Domain code should rather store the email with ``notifications.services.queue_email`` so it is
    sent after commit and at most once per stored row.
    """
    message = build_message(to, subject, text, html, message_id=message_id, date=date)
    transport().send(message)
    return str(message["Message-ID"])
