"""The course as plain, frozen data: what the loader produces and every later stage reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    expansion: str | None
    path: Path
    line: int
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)


@dataclass(frozen=True)
class Reference:
    id: str
    author: str
    title: str
    year: int
    url: str | None
    accessed: dt.date | None
    note: str | None
    path: Path
    line: int


@dataclass(frozen=True)
class Lesson:
    id: str
    module_id: str
    path: Path  # the English source
    title: str
    teaching_minutes: int
    activity_minutes: int
    objectives: tuple[str, ...]
    key_questions: tuple[str, ...]
    key_points: tuple[str, ...]
    materials: tuple[str, ...]
    body: str  # Markdown after the front matter
    body_line: int  # line of the file where `body` starts, minus one
    source_hash: str
    translations: tuple = ()  # Translation records, filled by the languages stage
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)

    @property
    def minutes(self) -> int:
        return self.teaching_minutes + self.activity_minutes

    @property
    def key(self) -> str:
        return f"{self.module_id}/{self.id}"


@dataclass(frozen=True)
class Module:
    id: str
    folder: str
    path: Path
    title: str
    summary: str
    objectives: tuple[str, ...]
    lessons: tuple[Lesson, ...]
    number: int
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)
    unreadable: frozenset = frozenset()  # keys of listed lessons left out for errors of their own

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class Session:
    kind: str  # lesson | session | break | lunch
    title: str
    start: int  # minutes after midnight
    minutes: int
    lesson: Lesson | None = None
    note: str | None = None
    read_beforehand: bool = False
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class Day:
    number: int
    title: str
    start: int
    end: int
    sessions: tuple[Session, ...]
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)


@dataclass(frozen=True)
class Edition:
    id: str
    title: str
    summary: str | None
    days: tuple[Day, ...]
    self_study: tuple = ()  # lessons worked through outside the agenda
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)

    @property
    def lessons(self) -> list[Lesson]:
        seen, out = set(), []
        for day in self.days:
            for s in day.sessions:
                if s.lesson and s.lesson.key not in seen:
                    seen.add(s.lesson.key)
                    out.append(s.lesson)
        return out


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    feedback: str | None
    english: frozenset = frozenset()  # fields shown in English on a translated form (see translations.py)


@dataclass(frozen=True)
class Question:
    question: str
    choices: tuple[Choice, ...]
    english: frozenset = frozenset()  # fields shown in English on a translated form (see translations.py)


@dataclass(frozen=True)
class Assessment:
    test_title: str
    instructions: str
    questions: tuple[Question, ...]
    evaluation_title: str
    ratings: tuple[str, ...]
    open_questions: tuple[str, ...]
    english: frozenset = frozenset()  # fields shown in English on a translated form (see translations.py)


@dataclass(frozen=True)
class Course:
    root: Path  # the project root
    source: Path  # modules/
    title: str
    subtitle: str | None
    version: str
    release_date: dt.date
    publisher: str
    languages: tuple[str, ...]
    modules: tuple[Module, ...]
    editions: tuple[Edition, ...]
    glossary: dict = field(hash=False)  # term -> GlossaryEntry
    references: dict = field(hash=False)  # id -> Reference
    home: str = ""
    assessment: Assessment | None = None
    lang: str = "en"  # the language this Course is written in (see courseware/translations.py)
    english: frozenset = frozenset()  # fields shown in English on a translated site (see translations.py)
    original: "Course | None" = field(default=None, hash=False, compare=False, repr=False)  # the English course
    # "glossary" and/or "references" when one of their files could not be read (its error is reported): the
    # checks of terms or citations against them are skipped, as every use would be reported as unknown.
    unreadable: frozenset = frozenset()
    mastery_score: int = 80  # percent of quiz questions right to pass, in an LMS (see courseware/lms.py)

    @property
    def lessons(self) -> list[Lesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    def written_in(self, english: bool) -> "Course":
        """The course whose glossary, labels and language render a text: the English original for English
        text shown on a translated site (`english`), else this course."""
        return self.original if english and self.original is not None else self

    def lesson(self, key: str) -> Lesson | None:
        for lesson in self.lessons:
            if lesson.key == key:
                return lesson
        return None

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)
