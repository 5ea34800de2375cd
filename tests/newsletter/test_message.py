"""mailmessage: an edition as one MIME message, read back with the stdlib's parser."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from generator.errors import SiteError
from generator.newsletter.message import Envelope, message_id, mime_message, subject_of

PERMALINK = "https://example.org/editions/2025-07-22/"
DATE = datetime(2025, 7, 22, 6, 30, tzinfo=timezone(timedelta(hours=3)))
ENVELOPE = Envelope(
    subject="No. 12: Kyiv \u2014 \u041a\u0438\u0457\u0432 \U0001f33b",
    date=DATE,
    message_id=message_id(PERMALINK),
    language="uk",
    sender="The Desk <desk@example.org>",
    list_unsubscribe="<mailto:leave@example.org>, <https://example.org/leave>",
)
TEXT = (
    "Kyiv \u2014 \u041a\u0438\u0457\u0432 \U0001f33b\n\n"
    + " ".join(["a-long-line"] * 12)
    + "\n"
    + "x" * 1200
    + "\n"
)
PAGE = (
    '<!DOCTYPE html>\n<html lang="uk"><head><title>No. 12</title></head>\n'
    "<body><p>Kyiv \u2014 \u041a\u0438\u0457\u0432 \U0001f33b</p>"
    f"<p>{'y' * 1200}</p></body></html>\n"
)


def parsed(envelope: Envelope = ENVELOPE, text: str = TEXT, page: str = PAGE) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(mime_message(envelope, text, page))
    assert isinstance(message, EmailMessage)
    return message


def content(part: EmailMessage) -> str:
    # The parts travel with CRLF line ends, as RFC 2046 asks of text; read back, they keep them.
    return part.get_content().replace("\r\n", "\n")


def test_the_message_is_the_text_then_the_html_as_alternatives() -> None:
    message = parsed()
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert [part.get_content_charset() for part in parts] == ["utf-8", "utf-8"]


def test_both_parts_read_back_exactly_with_non_ascii_and_long_lines() -> None:
    text, page = parsed().iter_parts()
    assert content(text) == TEXT
    assert content(page) == PAGE


def test_the_headers_read_back() -> None:
    message = parsed()
    assert message["Subject"] == ENVELOPE.subject
    assert message["From"] == "The Desk <desk@example.org>"
    assert message["Date"].datetime == DATE
    assert message["Message-ID"] == ENVELOPE.message_id
    assert message["Content-Language"] == "uk"
    assert message["List-Unsubscribe"] == ENVELOPE.list_unsubscribe
    assert message.defects == []


def test_a_long_non_ascii_subject_reads_back_whole() -> None:
    subject = "\u041d\u043e\u0432\u0438\u043d\u0438 \u0434\u043d\u044f: " * 8 + "\U0001f33b"
    assert parsed(replace(ENVELOPE, subject=subject))["Subject"] == subject


def test_a_date_in_utc_reads_back_as_the_same_moment() -> None:
    date = datetime(2025, 1, 31, 23, 59, 59, tzinfo=UTC)
    assert parsed(replace(ENVELOPE, date=date))["Date"].datetime == date


def test_no_sender_and_no_list_unsubscribe_leave_their_headers_out() -> None:
    message = parsed(replace(ENVELOPE, sender=None, list_unsubscribe=None))
    assert "From" not in message
    assert "List-Unsubscribe" not in message
    assert message["Message-ID"] == ENVELOPE.message_id


def test_every_line_is_short_and_ends_in_crlf() -> None:
    data = mime_message(ENVELOPE, TEXT, PAGE)
    assert data.endswith(b"\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 78
    assert all(len(line) + 2 <= 998 for line in lines)


def test_the_same_edition_gives_the_same_bytes() -> None:
    assert mime_message(ENVELOPE, TEXT, PAGE) == mime_message(ENVELOPE, TEXT, PAGE)


def test_different_bodies_get_different_boundaries() -> None:
    boundaries = {
        parsed(text=text, page=page).get_boundary()
        for text, page in [(TEXT, PAGE), (TEXT + "more\n", PAGE), (TEXT, PAGE + "<!-- -->\n")]
    }
    assert len(boundaries) == 3
    assert None not in boundaries


@pytest.mark.parametrize(
    ("page", "subject"),
    [
        ("<title>A &amp; B</title>", "A & B"),
        (
            "<html><head><title>\n    No. 12:\n    Kyiv  news\n  </title></head></html>",
            "No. 12: Kyiv news",
        ),
        ('<TITLE lang="uk">\u041a\u0438\u0457\u0432</TITLE>', "\u041a\u0438\u0457\u0432"),
    ],
)
def test_the_subject_is_the_text_of_the_title(page: str, subject: str) -> None:
    assert subject_of(page) == subject


@pytest.mark.parametrize(
    "page", ["<html><head></head><body>x</body></html>", "<title> \n </title>"]
)
def test_a_page_without_a_title_has_no_subject(page: str) -> None:
    with pytest.raises(SiteError) as excinfo:
        subject_of(page)
    assert "no subject" in excinfo.value.message
    assert excinfo.value.hint and "<title>" in excinfo.value.hint


def test_the_message_id_is_stable_and_names_the_site_host() -> None:
    found = message_id(PERMALINK)
    assert found == message_id(PERMALINK)
    assert found.startswith("<") and found.endswith(">")
    assert found[1:-1].split("@")[1] == "example.org"
    assert found != message_id("https://example.org/editions/2025-07-23/")


def test_the_message_id_host_has_no_port() -> None:
    found = message_id("https://example.org:8443/editions/2025-07-22/")
    assert found.endswith("@example.org>")
    message = parsed(replace(ENVELOPE, message_id=found))
    assert message["Message-ID"] == found
    assert message["Message-ID"].defects == ()


@pytest.mark.parametrize(
    "subject", ["No. 3: =?utf-8?q?Breaking?= news", "=?iso-8859-1?b?SGk=?=", "Rates =? 2%"]
)
def test_a_subject_that_looks_like_an_encoded_word_reads_as_written(subject: str) -> None:
    """A mail client decodes "=?charset?q?...?=" into other text: it is encoded whole."""
    assert parsed(replace(ENVELOPE, subject=subject))["Subject"] == subject
