"""An email edition as one MIME message (edition.eml), made with the stdlib's email.

The message is ``multipart/alternative``: the plain text first, the HTML last, as
RFC 2046 orders them (a client shows the last part it can). Everything in it is
derived from its parts, boundary and Message-ID included, so the same edition
gives the same bytes on every build.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlsplit

from generator.errors import SiteError

#: CRLF line ends, lines folded at 78: what RFC 5322 asks of a message on the wire.
_POLICY = policy.SMTP
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


@dataclass(frozen=True, slots=True)
class Envelope:
    """The headers of one edition's message."""

    subject: str
    date: datetime
    #: Unique for good: derived from the edition's permanent address.
    message_id: str
    language: str
    sender: str | None = None
    list_unsubscribe: str | None = None


def subject_of(page: str) -> str:
    """The subject a theme gives its email: the text of email.html's <title>."""
    found = _TITLE.search(page)
    subject = " ".join(html.unescape(found.group(1)).split()) if found else ""
    if not subject:
        raise SiteError(
            "the email has no subject: email.html gives it no <title>",
            hint="put the subject in <title>, e.g. <title>No. {{ edition.number }}: "
            "{{ edition.title }}</title>",
        )
    return subject


def message_id(permalink: str) -> str:
    """'<edition.2025-07-22@example.org>'-like, from the edition's address."""
    host = urlsplit(permalink).hostname or "briefing.invalid"
    tail = hashlib.sha256(permalink.encode()).hexdigest()[:16]
    return f"<edition.{tail}@{host}>"


def mime_message(envelope: Envelope, text: str, page: str) -> bytes:
    """The message: both parts in UTF-8, quoted-printable so that every line stays short."""
    message = EmailMessage(policy=_POLICY)
    # "=?" would start an encoded word, which a mail client decodes into other text:
    # such a subject is encoded whole, so that it reads as it was written.
    if envelope.subject.isascii() and "=?" not in envelope.subject:
        message["Subject"] = envelope.subject
    else:
        # The policy's folding of a long non-ASCII header drops the space where it
        # breaks between encoded words (CPython 3.11; tests/newsletter/test_message.py);
        # email.header folds it whole, and a raw value is written as it is.
        encoded = Header(envelope.subject, "utf-8", header_name="Subject").encode()
        message.set_raw("Subject", encoded)
    if envelope.sender:
        message["From"] = envelope.sender
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    if envelope.list_unsubscribe:
        message["List-Unsubscribe"] = envelope.list_unsubscribe
    # Outlook opens a message marked unsent as a draft, ready to address and send.
    message["X-Unsent"] = "1"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(page, subtype="html", charset="utf-8", cte="quoted-printable")
    # After the parts: setting the content drops every Content- header before it.
    message["Content-Language"] = envelope.language
    parts = hashlib.sha256(f"{text}\0{page}".encode()).hexdigest()[:32]
    message.set_boundary(f"=_briefing_{parts}")
    return message.as_bytes(policy=_POLICY)
