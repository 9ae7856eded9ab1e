"""Whatever file a clerk hands over, the reader returns a Plan or a PlanError."""

from __future__ import annotations

import contextlib
import os
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.errors import PlanError
from tracker.plans.model import Plan
from tracker.plans.reader import MAX_BYTES, decode, parse_plan_text, read_plan

SAMPLE = Path(__file__).resolve().parent.parent / "tracker" / "data" / "bangchakreng-2566.txt"
PLANS = Path(__file__).resolve().parent / "plans"
SAMPLE_BYTES = SAMPLE.read_bytes()
DOCS = sorted(PLANS.iterdir())


def plan_or_plan_error(path: Path) -> Plan | None:
    try:
        return read_plan(path)
    except PlanError as e:
        message = str(e)
    assert message  # one clear line for the user
    return None


def test_empty_file(tmp_path: Path) -> None:
    for content in (b"", b"   \n\n\t\r\n"):
        p = tmp_path / "empty.txt"
        p.write_bytes(content)
        with pytest.raises(PlanError, match="empty"):
            read_plan(p)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read"):
        read_plan(tmp_path / "nope.txt")
    with pytest.raises(PlanError, match="directory"):
        read_plan(tmp_path)


def test_docx_renamed_txt(tmp_path: Path) -> None:
    p = tmp_path / "plan.txt"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", SAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(PlanError, match="docx"):
        read_plan(p)


@pytest.mark.parametrize(
    "magic", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-1.7\n", b"{\\rtf1\\ansi", b"\x7fELF\x02"]
)
def test_other_binary_files(tmp_path: Path, magic: bytes) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes(magic + bytes(range(256)) * 8)
    with pytest.raises(PlanError):
        read_plan(p)


def test_50_mb_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    with open(p, "wb") as f:
        f.write(SAMPLE_BYTES)
        f.truncate(50 * 1024 * 1024)  # sparse: cheap to make
    assert os.path.getsize(p) > MAX_BYTES
    with pytest.raises(PlanError, match="larger than"):
        read_plan(p)


def test_file_just_under_the_cap_is_read(tmp_path: Path) -> None:
    p = tmp_path / "padded.txt"
    p.write_bytes(SAMPLE_BYTES + b"\n" * (MAX_BYTES - len(SAMPLE_BYTES)))
    assert len(read_plan(p).measures) == 2


def test_undecodable_bytes(tmp_path: Path) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes(b"\xff\xfb\xfc\xfd" * 100)
    with pytest.raises(PlanError):
        read_plan(p)


@pytest.mark.parametrize("cut", [*range(0, len(SAMPLE_BYTES), 97), len(SAMPLE_BYTES) - 1])
def test_truncated_sample(tmp_path: Path, cut: int) -> None:
    p = tmp_path / "cut.txt"
    p.write_bytes(SAMPLE_BYTES[:cut])
    plan = plan_or_plan_error(p)
    if plan is not None:
        assert len(plan.measures) <= 2


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4096))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    p = tmp_path / "random.txt"
    p.write_bytes(data)
    plan_or_plan_error(p)
    p = tmp_path / "random.csv"
    p.write_bytes(data)
    plan_or_plan_error(p)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    doc=st.sampled_from(DOCS),
    seed=st.integers(0, 2**32),
    flips=st.integers(1, 30),
)
def test_mutated_documents(tmp_path: Path, doc: Path, seed: int, flips: int) -> None:
    """Bytes flipped, deleted or duplicated in real-looking documents."""
    rnd = random.Random(seed)
    data = bytearray(doc.read_bytes())
    for _ in range(flips):
        if not data:
            break
        i = rnd.randrange(len(data))
        op = rnd.randrange(4)
        if op == 0:
            data[i] = rnd.randrange(256)
        elif op == 1:
            del data[i : i + rnd.randrange(1, 40)]
        elif op == 2:
            data[i:i] = data[i : i + rnd.randrange(1, 80)]
        else:
            data[i:i] = rnd.choice([b"\t", b"\n", b"<p>", b"</p>", b"&amp;", b"-", b"(", b"\r"])
    p = tmp_path / doc.name
    p.write_bytes(bytes(data))
    plan_or_plan_error(p)


thai_text = st.lists(
    st.sampled_from(
        [*"\t\n ()-/.,;", *"กขคมพศยเาิีุ่้ๆฯ", *"0123456789๐๑๒๓๔๕๖๗๘๙",
         "มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลาดำเนินการ", "การติดตามผล", "วิธีการดำเนินการ",
         "ที่", "ม.ค.", "มี.ค.", "เมษายน", "ไตรมาสที่", "ตลอดปีงบประมาณ", "ถึง", "<p>", "</p>",
         "สำนักปลัดฯ", " และ ", "กอง", "ประชุม", "ปีงบประมาณ พ.ศ. ๒๕๖๖", "คะแนน", "ระดับ A"]
    ),
    max_size=150,
).map("".join)  # fmt: skip


@settings(max_examples=500)
@given(thai_text)
def test_plan_like_text(text: str) -> None:
    try:
        plan = parse_plan_text(text)
    except PlanError:
        return
    assert plan.measures
    for m in plan.measures:
        assert m.start <= m.end
        assert m.number


@settings(max_examples=200)
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    with contextlib.suppress(PlanError):
        parse_plan_text(text)


@given(st.binary(max_size=2000))
def test_decode_only_raises_plan_error(data: bytes) -> None:
    try:
        text = decode(data)
    except PlanError:
        return
    assert isinstance(text, str)
