"""The Thai guide's commands are real: every `tracker …` line in its shell
blocks names an existing command whose options and arguments parse, and
its Windows lines are README's."""

from __future__ import annotations

import re
import shlex
import warnings

import click
import pytest
from conftest import ROOT

from tracker.cli.main import cli

GUIDE = ROOT / "docs" / "guide-th.md"


def blocks(path: str, lang: str) -> list[str]:
    text = (ROOT / path).read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.+?)\n```", text, flags=re.S)


def tracker_lines() -> list[str]:
    return [
        line.strip()
        for block in blocks("docs/guide-th.md", "sh")
        for line in block.splitlines()
        if line.strip().startswith("tracker ")
    ]


def parse(argv: list[str]) -> None:
    """Resolve the command chain and parse each level's options and arguments
    (types converted, required ones checked) without running anything."""
    ctx = cli.make_context("tracker", list(argv), resilient_parsing=False)
    command: click.Command = cli
    while isinstance(command, click.Group):
        with warnings.catch_warnings():
            # click 8.2 deprecates protected_args (9.0 folds it into args)
            warnings.simplefilter("ignore", DeprecationWarning)
            rest = [*ctx.protected_args, *ctx.args]
        if not rest:
            break
        sub = command.get_command(ctx, rest[0])
        assert sub is not None, f"no such command: {rest[0]}"
        ctx = sub.make_context(rest[0], rest[1:], parent=ctx)
        command = sub


def test_guide_has_commands() -> None:
    assert len(tracker_lines()) >= 25
    assert "guide-th.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("line", tracker_lines())
def test_guide_command_parses(line: str) -> None:
    parse(shlex.split(line)[1:])


def test_a_wrong_command_is_caught() -> None:
    with pytest.raises(click.UsageError):
        parse(["progress", "1"])  # PERCENT missing
    with pytest.raises(AssertionError):
        parse(["finish", "1"])


def test_windows_lines_match_readme() -> None:
    readme = "\n".join(blocks("README.md", "bat"))
    for block in blocks("docs/guide-th.md", "bat"):
        for line in block.splitlines():
            assert line in readme, line
