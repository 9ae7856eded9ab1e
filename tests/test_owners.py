"""The owners column is a JSON list; the fast reading must agree with json."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.services.tasks import owners_of

_names = st.lists(
    st.one_of(
        st.text(alphabet="กองคลังสำนักปลัดฯ่้ิ ี", max_size=20),
        st.text(max_size=12),  # anything: quotes, backslashes, control characters, ", "
    ),
    max_size=5,
)


@given(_names, st.booleans(), st.sampled_from([None, (",", ":"), (", ", ": ")]))
def test_owners_read_as_json_reads_them(
    names: list[str], ascii_only: bool, separators: tuple[str, str] | None
) -> None:
    stored = json.dumps(names, ensure_ascii=ascii_only, separators=separators)
    assert owners_of(stored) == names


@pytest.mark.parametrize("stored", ['[ "a" ]', '["a" ,"b"]', '["]', "[\n]", '["a", "b"]'])
def test_odd_but_valid_or_invalid_texts_go_through_json(stored: str) -> None:
    try:
        expected = json.loads(stored)
    except json.JSONDecodeError:
        with pytest.raises(json.JSONDecodeError):
            owners_of(stored)
        return
    assert owners_of(stored) == expected


def test_each_call_gets_its_own_list() -> None:
    first = owners_of('["กองคลัง"]')
    first.append("x")
    assert owners_of('["กองคลัง"]') == ["กองคลัง"]
