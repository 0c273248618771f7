"""The shipped course, built in full as `make build` builds it: no error, no warning (a real warning must not
drown in noise), and nothing left in the temporary folder."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_the_shipped_course_builds_without_a_warning(shipped_build):
    output, result, _ = shipped_build
    assert result.report.problems == [], result.report.format()
    assert (output / "pdf" / "course-reader.pdf").is_file() and (output / "html" / "index.html").is_file()
    assert len(list((output / "pdf").glob("*.pdf"))) >= 90


def test_the_shipped_build_leaves_nothing_in_the_temporary_folder(shipped_build):
    _, _, scratch = shipped_build
    assert sorted(p.name for p in scratch.iterdir()) == []
