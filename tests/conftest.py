"""Shared fixtures: small courses written inline, and the real builder run on them."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COURSES = Path(__file__).resolve().parent / "courses"


def _bundled_fonts_only() -> None:
    """Point fontconfig at the bundled fonts only, before WeasyPrint or Chromium start: a test then lays out and
    draws text the same way on a fresh machine (DejaVu only) and on a developer's (many fonts). The font cache
    goes to a private folder, removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="courseware-tests-fontconfig-"))
    atexit.register(shutil.rmtree, folder, True)
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{ROOT / 'fonts'}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        "  <alias><family>sans-serif</family><prefer><family>Noto Sans</family></prefer></alias>\n"
        "  <alias><family>serif</family><prefer><family>Noto Sans</family></prefer></alias>\n"
        "  <alias><family>monospace</family><prefer><family>Noto Sans</family></prefer></alias>\n"
        "</fontconfig>\n", encoding="utf-8")
    os.environ["FONTCONFIG_FILE"] = str(folder / "fonts.conf")
    os.environ.pop("FONTCONFIG_PATH", None)


_bundled_fonts_only()

from courseware.cli import main as cli_main  # noqa: E402 - after fontconfig is pointed at the bundled fonts

COURSE_YAML = """\
title: Test course
version: "1.0"
release_date: 2026-01-15
publisher: Test team
languages: [en]
modules: [01-mod]
editions:
  - id: short
    title: Short workshop
    days:
      - title: Day 1
        start: "09:00"
        end: "12:00"
        sessions:
          - lesson: mod/one
"""

MODULE_YAML = """\
id: mod
title: A module
summary: A module for tests.
objectives: [Learn.]
lessons: [01-one.md]
"""

LESSON = """\
---
title: Lesson one
teaching_minutes: 30
activity_minutes: 30
objectives:
  - Learn one thing.
key_points:
  - One thing.
---

## Start

Some text.

/// activity | Do it
    minutes: 10
    group: pairs
    checks: [1]

1. Step.
///
"""

GLOSSARY = """\
- term: ASEAN
  expansion: Association of Southeast Asian Nations
  definition: A regional organisation.
"""

REFERENCES = """\
- id: charter
  author: ASEAN
  title: The ASEAN Charter
  year: 2008
"""


def minimal_course(**overrides) -> dict:
    files = {
        "modules/course.yaml": COURSE_YAML,
        "modules/glossary.yaml": GLOSSARY,
        "modules/references.yaml": REFERENCES,
        "modules/home.md": "Welcome.\n",
        "modules/01-mod/module.yaml": MODULE_YAML,
        "modules/01-mod/01-one.md": LESSON,
    }
    files.update(overrides)
    return {k: v for k, v in files.items() if v is not None}


@pytest.fixture
def make_course(tmp_path):
    """Write {relative path: text} into a temporary project and return its root."""

    def make(files: dict) -> Path:
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def run(capsys):
    """Run build.py's main() with arguments; return (exit code, stdout, stderr)."""

    def go(*args) -> tuple[int, str, str]:
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return go


@pytest.fixture(scope="session")
def tiny_output(tmp_path_factory) -> Path:
    """The tiny course built once for the whole run (trainee and facilitator sites, PDFs, share/), for the
    tests that only read it: copy it before changing anything."""
    from courseware.pipeline import Options, build
    out = tmp_path_factory.mktemp("tiny-build") / "output"
    result = build(COURSES / "tiny", Options(workers=1), out)
    assert not result.report.errors, result.report.format()
    return out


@pytest.fixture(autouse=True)
def fail_on_unexpected_logs(caplog):
    """Stray warnings from our code or from WeasyPrint fail the test."""
    caplog.set_level(logging.WARNING)
    yield
    bad = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert not bad, "unexpected log records: " + "; ".join(r.getMessage() for r in bad)


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory):
    """The shipped course (modules/) built in full once for the whole run, every language, sites and PDFs, with
    the temporary folder pointed at a folder of its own: (output folder, pipeline Result, that temporary
    folder). Tests only read it."""
    from courseware.pipeline import Options, build
    base = tmp_path_factory.mktemp("shipped")
    scratch = base / "tmp"
    scratch.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(scratch)
    try:
        result = build(ROOT, Options(), base / "output")
    finally:
        tempfile.tempdir = before
    return base / "output", result, scratch


@pytest.fixture(scope="session")
def shipped_output(tmp_path_factory) -> Path:
    """The shipped course's sites in every language (an HTML-only build, once for the whole run): the real
    Khmer, Burmese and Thai text that the ZIM and EPUB tests need (see tests/readers.py)."""
    from readers import build_sites
    out = tmp_path_factory.mktemp("shipped") / "output"
    build_sites(out)
    return out


@pytest.fixture(scope="session")
def shipped_readers(shipped_output) -> dict:
    """{share/...: bytes}: the shipped course's ZIM files and EPUB books, made from its trainee site."""
    from readers import readers_from
    return readers_from(shipped_output)
