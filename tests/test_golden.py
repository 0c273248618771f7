"""Golden output: small purpose-built courses and their committed expected output.

Regenerate after a deliberate change with `make golden` (REGENERATE_GOLDEN=1), then review the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import COURSES

REGENERATE = os.environ.get("REGENERATE_GOLDEN") == "1"

# The pages and documents of the tiny course whose exact content is pinned.
TINY_FILES = [
    "html/index.html",
    "html/basics/first-steps.html",
    "html/basics/second-steps.html",
    "html/agenda-one-day.html",
    "html/glossary.html",
    "facilitator/basics/first-steps.html",
    "pdf/handout-01-basics.pdf",
    "pdf/facilitator-guide-one-day.pdf",
]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for number, page in enumerate(reader.pages, 1):
        lines = [line.rstrip() for line in page.extract_text().splitlines()]
        pages.append(f"--- page {number} ---\n" + "\n".join(lines))
    return "\n".join(pages) + "\n"


def compare(expected: Path, actual: str):
    if REGENERATE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
        return
    assert expected.is_file(), f"missing golden file {expected}: run `make golden`"
    want = expected.read_text(encoding="utf-8")
    assert actual == want, (f"{expected} differs from the build; if the change is deliberate, "
                            "run `make golden` and review the diff")


@pytest.fixture(scope="module")
def tiny_output(tmp_path_factory):
    from courseware.cli import main
    out = tmp_path_factory.mktemp("golden") / "output"
    assert main(["--root", str(COURSES / "tiny"), "--output", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", TINY_FILES)
def test_tiny_course_output(tiny_output, name):
    data = (tiny_output / name).read_bytes()
    if name.endswith(".pdf"):
        compare(COURSES / "tiny" / "expected" / (name + ".txt"), pdf_text(data))
    else:
        compare(COURSES / "tiny" / "expected" / name, data.decode("utf-8"))


def test_broken_course_report(run):
    code, out, err = run("check", "--root", COURSES / "broken")
    assert code == 1
    compare(COURSES / "broken" / "expected" / "report.txt", err + out)
