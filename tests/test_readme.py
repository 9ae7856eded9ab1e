"""README's two set-up commands are what CI runs and what a new user types."""

from __future__ import annotations

import re

from conftest import ROOT


def fenced_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", head, flags=re.S)


def test_readme_opens_with_demo_and_tests() -> None:
    demo, tests = fenced_commands()[:2]
    assert demo.endswith("tracker demo")
    assert "pytest" in tests


def test_ci_runs_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert fenced_commands()[1] in ci
