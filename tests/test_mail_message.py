"""The bytes of a reminder mail, read back by two independent parsers.

`tracker.mail.message.build` goes through the standard library's generator;
these properties hold whatever a unit or measure name holds: the message is
7-bit, its lines are short, the subject decodes (word by word, strictly) to
exactly what was meant, the bodies come back (in canonical CRLF form), and no
header appears that we did not write. `read_mail` parses with
`email.policy.strict` and with fast_mail_parser and fails where they differ.
"""

from __future__ import annotations

import email
import email.policy
from datetime import datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.mail_support import SENDER, read_mail
from tracker.clock import BANGKOK
from tracker.mail.message import Attachment, build, clean, message_id, parse_sender

NOW = datetime(2023, 3, 29, 8, 30, tzinfo=BANGKOK)
HEADERS = {"from", "to", "subject", "date", "message-id", "auto-submitted", "x-auto-response-suppress",
           "x-tracker-reminder", "mime-version", "content-type"}

# what a plan document can put in a title: Thai with its marks, ASCII, digits,
# emoji, line breaks and other control characters, "=?" that looks like an encoded word
text = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from(["\r\n", "\n", "\r", "\t", "\x00", "\u2028", "=?", "?=", "😀", "…", " "]),
    ),
    max_size=300,
).map("".join)


def _mail(subject: str, body: str, *, attachments: tuple[Attachment, ...] = ()):  # type: ignore[no-untyped-def]
    sender = parse_sender(SENDER)
    key = "closing_soon:t2:2023-03-28:41ec7f91e8"
    return build(sender=sender, to=["palad@example.go.th", "khlang@example.go.th"], subject=subject,
                 text=body, html=f"<p>{body}</p>", msg_id=message_id([key], sender), date=NOW,
                 keys=[key], attachments=attachments)


def canonical(text: str) -> bytes:
    return b"".join(line + b"\r\n" for line in text.encode().splitlines()) or b"\r\n"


@settings(max_examples=300, deadline=None)
@given(subject=text, body=text)
@example(subject="=?\r\nก", body="")  # "=? =?utf-8?b?4LiB?=": see read_mail on a literal "=?"
# policy.SMTP folded this between two encoded words with the space outside both
@example(subject="กกกกกกกก000000000000xxxxxx ก ก", body="")
def test_any_subject_and_body_round_trip(subject: str, body: str) -> None:
    mail = _mail(subject, body)
    raw = mail.data
    assert max(raw) < 128  # 7-bit: no relay needs 8BITMIME or SMTPUTF8
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    read = read_mail(raw)
    assert set(read.headers) <= HEADERS
    assert read.subject == clean(subject, 250) == mail.subject
    parsed = read.msg
    assert parsed.get_content_type() == "multipart/alternative"
    plain = parsed.get_body(("plain",))
    html = parsed.get_body(("html",))
    assert plain is not None and html is not None
    # a text part is canonical (RFC 2046): CRLF line ends, a last one added
    assert plain.get_payload(decode=True) == canonical(body)
    assert html.get_payload(decode=True) == canonical(f"<p>{body}</p>")
    assert parsed["To"] == "palad@example.go.th, khlang@example.go.th"
    assert read.to == ["palad@example.go.th", "khlang@example.go.th"]
    assert read.sender == SENDER


@settings(max_examples=50, deadline=None)
@given(content=st.binary(max_size=2000), subject=text)
def test_attachment_comes_back_intact(content: bytes, subject: str) -> None:
    mail = _mail(subject, "เรียน", attachments=(
        Attachment("report-meeting-1.pdf", content, "application", "pdf"),
        Attachment("meeting 1/../x\".ics", b"BEGIN:VCALENDAR\r\n", "text", "calendar"),
    ))
    assert max(mail.data) < 128
    parsed = read_mail(mail.data).msg
    assert parsed.get_content_type() == "multipart/mixed"
    files = list(parsed.iter_attachments())
    assert [f.get_filename() for f in files] == ["report-meeting-1.pdf", "meeting_1_.._x_.ics"]
    assert files[0].get_payload(decode=True) == content
    body = parsed.get_body(("plain",))
    assert body is not None and body.get_payload(decode=True) == canonical("เรียน")


def test_a_character_is_never_split_across_encoded_words() -> None:
    subject = "ก" * 14 + "ข" * 14 + "ค" * 40  # words of several Thai characters each
    raw = _mail(subject, "x").data
    # the header as written (compat32 keeps it undecoded)
    assert email.message_from_bytes(raw, policy=email.policy.compat32)["Subject"].count("=?utf-8?b?") >= 2
    assert read_mail(raw).subject == subject  # the independent parser decodes every word on its own


def test_a_long_thai_sender_reads_back_exactly() -> None:
    """Our sender's Thai name is folded into three encoded words. The
    independent parser gives it back exactly; the standard library's reading
    of an address header puts a space between the words (CPython gh-128110),
    which is why read_mail lets the other parser judge the display names."""
    mail = read_mail(_mail("x", "x").data)
    assert mail.sender == SENDER
    assert mail.other.from_ is not None and mail.other.from_.display_name == SENDER.split(" <")[0]
    assert [a.addr_spec for a in mail.msg["From"].addresses] == ["tracker@bangchakreng.go.th"]
    stdlib = str(mail.msg["From"])
    assert stdlib == SENDER or stdlib.replace(" ", "") == SENDER.replace(" ", "")  # spaces only


def test_a_title_holding_a_literal_encoded_word_arrives_as_typed() -> None:
    """ "=?utf-8?b?4LiB?=" typed into a title is text, not an encoded word:
    sent as written, every reader would show "ก". (read_mail cannot judge a
    header whose text looks encoded, so both parsers are asked here.)"""
    import fast_mail_parser

    subject = "x =?utf-8?b?4LiB?= y"
    raw = _mail(subject, "x").data
    assert email.message_from_bytes(raw, policy=email.policy.strict)["Subject"] == subject
    assert fast_mail_parser.parse_email(raw).subject == subject
