"""What people type: ids and percentages in Thai or Arabic digits, dates in
any form tracker accepts. Bad values are bad input (exit 1), not misuse."""

from __future__ import annotations

from datetime import date, datetime, time

from tracker import thai
from tracker.errors import InvalidInput


def task_id(text: str) -> int:
    value = thai.parse_int(text.lstrip("#"), what="task id (หมายเลขงาน)")
    if value <= 0:
        raise InvalidInput(f"หมายเลขงานไม่ถูกต้อง (not a task id: {text!r})")
    return value


def percent(text: str) -> int:
    bad = InvalidInput(
        f"ความคืบหน้าต้องเป็นจำนวนเต็มระหว่าง 0-100 (progress must be a whole number 0-100, not {text})"
    )
    try:
        value = thai.parse_int(text.rstrip("%").strip(), what="percentage (ร้อยละ)")
    except InvalidInput:
        raise bad from None
    if not 0 <= value <= 100:
        raise bad
    return value


def user_date(text: str) -> date:
    return thai.parse_date(text)


def user_datetime(text: str) -> datetime:
    return thai.parse_datetime(text)


def user_time(text: str) -> time:
    return thai.parse_time(text)


def item_no(text: str) -> str:
    return thai.to_arabic_digits(text.strip())
