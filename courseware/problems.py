"""Problems found in the sources, collected and reported like compiler diagnostics.

Policy: an *error* is anything that would make an output wrong, misleading or unsafe (a missing
field, a broken link, trainer material that could leak); a build with errors writes nothing.
A *warning* is something an author should look at but that still gives correct outputs.
"""

from __future__ import annotations

import os

import difflib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    level: str  # "error" or "warning"
    message: str
    code: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.level}: {self.message} [{self.code}]"


class ContentError(Exception):
    """Raised to stop a build because the sources have errors; carries the report."""

    def __init__(self, report: "Report"):
        super().__init__(report.summary())
        self.report = report


@dataclass
class Report:
    """Collects problems; never prints."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def rel(self, path: Path | str) -> str:
        """The path from the project root, as the author sees it: a symbolic link is named, not followed."""
        p = Path(os.path.abspath(path))
        for root in (Path(os.path.abspath(self.root)), self.root.resolve()):
            try:
                return p.relative_to(root).as_posix()
            except ValueError:
                pass
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def add(self, level: str, path: Path | str, line: int | None, col: int | None,
            message: str, code: str) -> None:
        problem = Problem(self.rel(path), line or 1, col or 1, level, message, code)
        if problem not in self.problems:
            self.problems.append(problem)

    def error(self, path, line, col, message, code):
        self.add("error", path, line, col, message, code)

    def warning(self, path, line, col, message, code):
        self.add("warning", path, line, col, message, code)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.col, p.level, p.code, p.message))

    def summary(self, ok_word: str = "check passed") -> str:
        files = len({p.path for p in self.problems})
        ne, nw = len(self.errors), len(self.warnings)
        head = "build failed" if ne else ok_word
        return (f"{head}: {ne} error{'s' * (ne != 1)}, {nw} warning{'s' * (nw != 1)}"
                f" in {files} file{'s' * (files != 1)}")

    def format(self, ok_word: str = "check passed") -> str:
        lines = [p.format() for p in self.sorted()]
        lines.append(self.summary(ok_word))
        return "\n".join(lines)


def did_you_mean(word: str, choices) -> str:
    """Return ' (did you mean 'x'?)' when a close match exists, else ''."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
