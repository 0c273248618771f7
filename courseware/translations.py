"""Content translations beside their sources, and the per-language report of what is translated.

A translation sits next to its English source with the language code before the extension:
`01-what-is-asean.km.md`, `module.km.yaml`, `glossary.km.yaml`, `home.km.md`, `course.km.yaml`.
Each records the hash of the English text it translates (`translation_of:`) and whether a native
speaker has reviewed it (`status: draft` or `status: reviewed`). When the English source changes,
its hash changes and the translation becomes *stale*: it is still used, and marked as such. A
missing translation falls back to English, with a notice in the reader's language.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from . import faithful
from .load import FRONT, read_text, source_hash
from .model import Assessment, Course, Lesson, Module
from .problems import Report, did_you_mean
from .scan import scan
from .yamlload import SAFE_LOADER, YAMLProblem, load as load_yaml
from .zawgyi import check_text as check_zawgyi

STATUSES = ("draft", "reviewed")
HASH = re.compile(r"^[0-9a-f]{12}$")
META = {"translation_of", "status", "translator", "notes"}
LESSON_KEYS = META | {"title", "objectives", "key_questions", "key_points", "materials"}
MODULE_KEYS = META | {"title", "summary", "objectives"}
COURSE_KEYS = META | {"title", "subtitle", "publisher", "editions", "sessions"}
EDITION_KEYS = {"title", "summary", "days"}
GLOSSARY_KEYS = META | {"terms"}
HOME_KEYS = META
ASSESSMENT_KEYS = META | {"test", "evaluation"}
TEST_KEYS = {"title", "instructions", "questions"}
QUESTION_KEYS = {"question", "choices"}
CHOICE_KEYS = {"text", "feedback"}
EVALUATION_KEYS = {"title", "ratings", "open_questions"}


# The fields a reader sees, per kind of source: those still equal to the English source after translation
# are marked `lang="en"` where they are shown, so that screen readers, fonts and line breaking treat
# them as English (WCAG 3.1.2, language of parts).
LESSON_FIELDS = frozenset({"title", "objectives", "key_questions", "key_points", "materials", "body"})
MODULE_FIELDS = frozenset({"title", "summary", "objectives"})
TERM_FIELDS = frozenset({"expansion", "definition"})
COURSE_FIELDS = frozenset({"title", "subtitle", "publisher", "home"})
EDITION_FIELDS = frozenset({"title", "summary"})
DAY_FIELDS = frozenset({"title"})
SESSION_FIELDS = frozenset({"title"})
ASSESSMENT_FIELDS = frozenset({"test_title", "instructions", "evaluation_title", "ratings", "open_questions"})
QUESTION_FIELDS = frozenset({"question"})
CHOICE_FIELDS = frozenset({"text", "feedback"})


def still_english(original, translated, fields: frozenset) -> frozenset:
    """The fields of `translated` that are (still) the English text of `original`."""
    return frozenset(f for f in fields if getattr(translated, f) == getattr(original, f))


def _has_words(value) -> bool:
    """Text with letters in it: a choice that is only a number ("11") is the same in every language."""
    values = value if isinstance(value, tuple) else (value,)
    return any(isinstance(v, str) and any(ch.isalpha() for ch in v) for v in values)


def still_english_text(original, translated, fields: frozenset) -> frozenset:
    """still_english, leaving out fields without words (numbers read the same in every language)."""
    return frozenset(f for f in still_english(original, translated, fields) if _has_words(getattr(original, f)))


def english_assessment(assessment):
    """The assessment marked as shown in English throughout (no translation, or an unusable one)."""
    questions = tuple(dataclasses.replace(
        q, english=QUESTION_FIELDS, choices=tuple(dataclasses.replace(
            c, english=frozenset(f for f in CHOICE_FIELDS if _has_words(getattr(c, f)))) for c in q.choices))
        for q in assessment.questions)
    return dataclasses.replace(assessment, questions=questions, english=ASSESSMENT_FIELDS)


@dataclass(frozen=True)
class Translation:
    """How one English source stands in one language."""

    lang: str
    source: Path  # the English file
    path: Path  # where its translation is (or would be)
    state: str  # translated | stale | missing
    status: str | None  # draft | reviewed; None when missing
    source_hash: str  # the current hash of the English file: what `translation_of` must say
    kind: str = "lesson"  # course | home | glossary | module | lesson | assessment
    words: int = 0  # English words of the source's text to translate
    part: str = ""  # the folder of the module the source belongs to, "" for the course-wide files

    @property
    def used(self) -> bool:
        return self.state != "missing"

    @property
    def words_left(self) -> int:
        """English words still to translate: all of a missing or stale translation's source."""
        return self.words if self.state in ("missing", "stale") else 0


@dataclass(frozen=True)
class PartStatus:
    """How the sources of one part of the course (the course-wide files, or one module) stand in one language."""

    part: str  # a module's folder, or "" for the course-wide files
    sources: int
    translated: int
    stale: int
    missing: int
    draft: int  # translations used (translated or stale) that are drafts
    reviewed: int
    words_left: int


@dataclass(frozen=True)
class LanguageReport:
    lang: str
    items: tuple[Translation, ...]

    def of(self, source: Path) -> Translation | None:
        source = source.resolve()
        return next((t for t in self.items if t.source.resolve() == source), None)

    def count(self, state: str) -> int:
        return sum(1 for t in self.items if t.state == state)

    @property
    def drafts(self) -> int:
        return sum(1 for t in self.items if t.used and t.status == "draft")

    @property
    def reviewed(self) -> int:
        return sum(1 for t in self.items if t.used and t.status == "reviewed")

    @property
    def words_left(self) -> int:
        return sum(t.words_left for t in self.items)

    def parts(self) -> list[PartStatus]:
        """The course-wide files, then each module in course order: what is translated, draft, reviewed, stale
        and missing, and the English words left to translate."""
        order = [""] + [t.part for t in self.items if t.part]
        out = []
        for part in dict.fromkeys(order):
            items = [t for t in self.items if t.part == part]
            if items:
                out.append(PartStatus(part, len(items), *(sum(1 for t in items if t.state == s)
                                                         for s in ("translated", "stale", "missing")),
                                      sum(1 for t in items if t.used and t.status == "draft"),
                                      sum(1 for t in items if t.used and t.status == "reviewed"),
                                      sum(t.words_left for t in items)))
        return out

    def summary(self) -> str:
        return (f"{self.lang}: {self.count('translated')} translated, {self.count('stale')} stale, "
                f"{self.count('missing')} missing, of {len(self.items)} sources ({self.drafts} used are drafts); "
                f"{self.reviewed} reviewed; {self.words_left:,} English words left to translate")

    def format(self, report: Report) -> str:
        """The report a translator reads: each part of the course, then one line per source, with the hash a
        translation must record."""
        lines = [self.summary(), f"  {'part':28} {'sources':>7} {'translated':>10} {'draft':>5} {'reviewed':>8} "
                                 f"{'stale':>5} {'missing':>7} {'words left':>10}"]
        for p in self.parts():
            lines.append(f"  {p.part or 'course-wide files':28} {p.sources:>7} {p.translated:>10} {p.draft:>5} "
                         f"{p.reviewed:>8} {p.stale:>5} {p.missing:>7} {p.words_left:>10,}")
        for t in sorted(self.items, key=lambda t: (("stale", "missing", "translated").index(t.state),
                                                     report.rel(t.source))):
            status = f", {t.status}" if t.status else ""
            left = f", {t.words_left:,} words" if t.words_left else ""
            lines.append(f"  {t.state:10} {report.rel(t.path)}{status}{left}  (translation_of: {t.source_hash})")
        return "\n".join(lines)


WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# What a translator translates, per kind of source: the keys of YAML sources whose text is read (the others, such
# as ids, minutes, links and `correct`, are not), the front matter fields of Markdown ones.
TEXT_KEYS = {"lesson": {"title", "objectives", "key_questions", "key_points", "materials"}, "home": set(),
             "module": {"title", "summary", "objectives"}, "glossary": {"expansion", "definition"},
             "course": {"title", "subtitle", "publisher", "editions", "days", "sessions", "summary", "session",
                        "break", "lunch"},
             "assessment": {"test", "evaluation", "title", "instructions", "questions", "question", "choices", "text",
                            "feedback", "ratings", "open_questions"}}
MARKDOWN_NOISE = re.compile(r"\[@[^\]]*\]|\]\([^)]*\)|<!--.*?-->|^ {4}[\w-]+:.*$|^/{3,}.*$"
                            r"|^\s*-?\s*(?:question|choices|text|feedback|correct):(?:\s*(?:true|false)$)?", re.M | re.S)


@functools.lru_cache(maxsize=256)  # each source is counted once for every language
def english_words(text: str, kind: str) -> int:
    """The English words of a source that a translation must carry: the text of its translatable fields, and a
    Markdown body without citations, link targets, block markers and options."""
    import yaml
    keys = TEXT_KEYS.get(kind, set())
    body = ""
    if kind in ("lesson", "home"):
        m = FRONT.match(text)
        front, body = (m.group(1) or "", text[m.end():]) if m else ("", text)
    else:
        front = text
    try:
        data = yaml.load(front, Loader=SAFE_LOADER) or {}
    except yaml.YAMLError:
        data = {}

    def strings(value, counted: bool):
        if isinstance(value, str):
            return [value] if counted else []
        if isinstance(value, list):
            return [s for v in value for s in strings(v, counted)]
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in strings(v, k in keys)]
        return []
    fields = " ".join(strings(data, False))
    return len(WORD.findall(fields)) + len(WORD.findall(MARKDOWN_NOISE.sub(" ", body)))


def translation_path(source: Path, lang: str) -> Path:
    """`lesson.md` -> `lesson.km.md`, `module.yaml` -> `module.km.yaml`."""
    return source.with_name(f"{source.stem}.{lang}{source.suffix}")


class _Reader:
    """Reads and checks the translations of one language, collecting Translation records."""

    def __init__(self, course: Course, lang: str, report: Report):
        self.course, self.lang, self.report = course, lang, report
        self.names: dict[str, str] = {}  # glossary term -> its translated name (the faithfulness checks use it)
        self.items: list[Translation] = []

    def record(self, source: Path, kind: str, meta: dict | None, path: Path, pos=(1, 1)) -> Translation:
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        current = source_hash(text.replace("\r\n", "\n").lstrip("\ufeff"))
        facts = dict(kind=kind, words=english_words(text, kind),
                     part=next((m.folder for m in self.course.modules if m.path.parent == source.parent), ""))
        if meta is None:
            t = Translation(self.lang, source, path, "missing", None, current, **facts)
        else:
            recorded, status = meta.get("translation_of"), meta.get("status")
            if status not in STATUSES:
                self.report.error(path, pos[0], pos[1], f"translation needs 'status: draft' or 'status: reviewed' "
                                  f"(found {status!r})", "translation-status")
                status = "draft"
            if not isinstance(recorded, str) or not HASH.match(recorded):
                self.report.error(path, pos[0], pos[1], f"translation needs 'translation_of: {current}', the hash "
                                  f"of the English source {source.name} it translates (found {recorded!r})",
                                  "translation-of")
                recorded = ""
            state = "translated" if recorded == current else "stale"
            t = Translation(self.lang, source, path, state, status, current, **facts)
        self.items.append(t)
        return t

    def keys(self, data: dict, allowed: set, path: Path, where: str = "") -> None:
        for key in data:
            if key not in allowed:
                pos = data.line_of(key) if hasattr(data, "line_of") else (1, 1)
                self.report.error(path, pos[0], pos[1], f"unknown field '{key}'{where} in a translation"
                                  f"{did_you_mean(str(key), allowed)} (known: {', '.join(sorted(allowed))})",
                                  "unknown-field")

    def yaml(self, source: Path, kind: str, allowed: set):
        path = translation_path(source, self.lang)
        if not path.is_file():
            return self.record(source, kind, None, path), None
        text = read_text(path, self.report)
        if text is None:
            return self.record(source, kind, None, path), None
        check_zawgyi(text, path, 1, self.report, per_line=True)
        try:
            data = load_yaml(text)
        except YAMLProblem as exc:
            self.report.error(path, exc.line, exc.col, exc.message, "yaml-syntax")
            return self.record(source, kind, None, path), None
        if not isinstance(data, dict):
            self.report.error(path, 1, 1, "a translation file is a mapping of fields (translation_of, status, ...)",
                              "yaml-type")
            return self.record(source, kind, None, path), None
        self.keys(data, allowed, path)
        return self.record(source, kind, data, path), data

    def markdown(self, source: Path, kind: str, allowed: set):
        path = translation_path(source, self.lang)
        if not path.is_file():
            return self.record(source, kind, None, path), None, "", 0
        text = read_text(path, self.report)
        if text is None:
            return self.record(source, kind, None, path), None, "", 0
        check_zawgyi(text, path, 1, self.report, per_line=True)
        m = FRONT.match(text)
        if not m:
            self.report.error(path, 1, 1, "a translation starts with front matter between two '---' lines "
                              "(translation_of and status at least)", "front-matter")
            return self.record(source, kind, None, path), None, "", 0
        try:
            data = load_yaml(m.group(1) or "", offset=1)
        except YAMLProblem as exc:
            self.report.error(path, exc.line, exc.col, exc.message, "yaml-syntax")
            return self.record(source, kind, None, path), None, "", 0
        data = data if isinstance(data, dict) else {}
        self.keys(data, allowed, path)
        return self.record(source, kind, data, path, (2, 1)), data, text[m.end():], text[:m.end()].count("\n")

    def string(self, data, key, path, fallback):
        value = data.get(key) if data else None
        if value is None:
            return fallback
        if not isinstance(value, str) or not value.strip():
            pos = data.line_of(key) if hasattr(data, "line_of") else (1, 1)
            self.report.error(path, pos[0], pos[1], f"'{key}' must be text", "yaml-type")
            return fallback
        return value.strip() if "\n" not in value.strip() else value

    def strings(self, data, key, path, fallback: tuple, same_length: bool):
        value = data.get(key) if data else None
        if value is None:
            return fallback
        pos = data.line_of(key) if hasattr(data, "line_of") else (1, 1)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report.error(path, pos[0], pos[1], f"'{key}' must be a list of text", "yaml-type")
            return fallback
        if same_length and len(value) != len(fallback):
            self.report.error(path, pos[0], pos[1], f"'{key}' has {len(value)} items but the English source has "
                              f"{len(fallback)}; translate each item, in the same order (they are numbered)",
                              "translation-shape")
            return fallback
        return tuple(value)

    # --- each kind of source -------------------------------------------------------------------
    def lesson(self, lesson: Lesson) -> Lesson:
        t, data, body, body_line = self.markdown(lesson.path, "lesson", LESSON_KEYS)
        if data is None:
            return dataclasses.replace(lesson, translations=(t,), english=LESSON_FIELDS)
        path = t.path
        self.check_body(body, path, body_line)
        if body.strip():
            faithful.compare(lesson.body, lesson.body_line, body, body_line, path, self.lang, self.report,
                             self.course.glossary, self.names)
        translated = dataclasses.replace(
            lesson, title=self.string(data, "title", path, lesson.title),
            objectives=self.strings(data, "objectives", path, lesson.objectives, True),
            key_questions=self.strings(data, "key_questions", path, lesson.key_questions, False),
            key_points=self.strings(data, "key_points", path, lesson.key_points, False),
            materials=self.strings(data, "materials", path, lesson.materials, False),
            body=body if body.strip() else lesson.body, body_line=body_line if body.strip() else lesson.body_line,
            translations=(t,))
        return dataclasses.replace(translated, english=still_english(lesson, translated, LESSON_FIELDS))

    def check_body(self, body: str, path: Path, offset: int) -> None:
        """Read the translated body as validation reads a lesson (scan.py, no rendering), so that block and syntax
        errors point at the translation."""
        scan(body, path=path, report=self.report, offset=offset)

    def module(self, module: Module) -> Module:
        t, data = self.yaml(module.path, "module", MODULE_KEYS)
        lessons = tuple(self.lesson(lesson) for lesson in module.lessons)
        if data is None:
            return dataclasses.replace(module, lessons=lessons, english=MODULE_FIELDS)
        translated = dataclasses.replace(
            module, title=self.string(data, "title", t.path, module.title),
            summary=self.string(data, "summary", t.path, module.summary),
            objectives=self.strings(data, "objectives", t.path, module.objectives, True), lessons=lessons)
        return dataclasses.replace(translated, english=still_english(module, translated, MODULE_FIELDS))

    def glossary(self, glossary: dict) -> dict:
        sources = sorted({entry.path for entry in glossary.values()})
        translated: dict = {}
        for source in sources:
            t, data = self.yaml(source, "glossary", GLOSSARY_KEYS)
            if data is None:
                continue
            terms = data.get("terms") or {}
            if not isinstance(terms, dict):
                self.report.error(t.path, 1, 1, "'terms' maps each English term to its expansion and definition",
                                  "yaml-type")
                continue
            for term, entry in terms.items():
                pos = terms.line_of(term) if hasattr(terms, "line_of") else (1, 1)
                original = glossary.get(term)
                if original is None or original.path != source:
                    self.report.error(t.path, pos[0], pos[1], f"'{term}' is not a term of {source.name}"
                                      f"{did_you_mean(str(term), [k for k, v in glossary.items() if v.path == source])}",
                                      "unknown-term")
                    continue
                if not isinstance(entry, dict) or not isinstance(entry.get("definition"), str):
                    self.report.error(t.path, pos[0], pos[1], f"'{term}' needs a 'definition' (and may have an "
                                      "'expansion')", "yaml-type")
                    continue
                self.keys(entry, {"expansion", "definition"}, t.path, f" of term '{term}'")
                translated[term] = (entry.get("expansion"), entry["definition"].strip())
        out = {}
        for term, entry in glossary.items():
            if term in translated:
                expansion, definition = translated[term]
                changed = dataclasses.replace(entry, definition=definition,
                                              expansion=expansion if isinstance(expansion, str) else entry.expansion)
                out[term] = dataclasses.replace(changed, english=still_english(entry, changed, TERM_FIELDS))
            else:
                out[term] = dataclasses.replace(entry, english=TERM_FIELDS)
        return out

    def course_file(self, course: Course) -> Course:
        source = course.source / "course.yaml"
        t, data = self.yaml(source, "course", COURSE_KEYS)
        if data is None:
            return course
        editions_data = data.get("editions") or {}
        sessions = data.get("sessions") or {}
        if not isinstance(editions_data, dict) or not isinstance(sessions, dict):
            self.report.error(t.path, 1, 1, "'editions' maps edition ids to their titles, and 'sessions' maps "
                              "English session titles to translated ones", "yaml-type")
            return course
        known = {e.id: e for e in course.editions}
        for edition_id in editions_data:
            if edition_id not in known:
                pos = editions_data.line_of(edition_id)
                self.report.error(t.path, pos[0], pos[1], f"no edition '{edition_id}' in course.yaml"
                                  f"{did_you_mean(str(edition_id), known)}", "unknown-edition")
        english_sessions = {s.title for e in course.editions for d in e.days for s in d.sessions if s.lesson is None}
        for title in sessions:
            if title not in english_sessions:
                pos = sessions.line_of(title)
                self.report.error(t.path, pos[0], pos[1], f"no session titled '{title}' in course.yaml"
                                  f"{did_you_mean(str(title), english_sessions)}", "unknown-session")
        editions = []
        for edition in course.editions:
            ed = editions_data.get(edition.id) or {}
            if ed and not isinstance(ed, dict):
                ed = {}
            if ed:
                self.keys(ed, EDITION_KEYS, t.path, f" of edition '{edition.id}'")
            day_titles = self.strings(ed, "days", t.path, tuple(d.title for d in edition.days), True) if ed else ()
            days = []
            for i, day in enumerate(edition.days):
                title = day_titles[i] if day_titles else day.title
                days.append(dataclasses.replace(day, title=title, sessions=tuple(
                    s if s.lesson is not None else dataclasses.replace(s, title=_session(sessions, s.title))
                    for s in day.sessions)))
            editions.append(dataclasses.replace(edition, title=self.string(ed, "title", t.path, edition.title),
                                                summary=self.string(ed, "summary", t.path, edition.summary),
                                                days=tuple(days)))
        return dataclasses.replace(course, title=self.string(data, "title", t.path, course.title),
                                   subtitle=self.string(data, "subtitle", t.path, course.subtitle),
                                   publisher=self.string(data, "publisher", t.path, course.publisher),
                                   editions=tuple(editions))

    def assessment(self, assessment):
        """The pre/post test and the daily evaluation form in this language (assessment.<lang>.yaml): every
        question, choice and rating, in the English order; which choice is correct comes from English."""
        if assessment is None:
            return None
        t, data = self.yaml(self.course.source / "assessment.yaml", "assessment", ASSESSMENT_KEYS)
        if data is None:
            return english_assessment(assessment)
        path = t.path
        test = self.part(data, "test", TEST_KEYS, path)
        evaluation = self.part(data, "evaluation", EVALUATION_KEYS, path)
        translated = dataclasses.replace(
            assessment, test_title=self.string(test, "title", path, assessment.test_title),
            instructions=self.string(test, "instructions", path, assessment.instructions),
            questions=self.questions(test, assessment.questions, path),
            evaluation_title=self.string(evaluation, "title", path, assessment.evaluation_title),
            ratings=self.strings(evaluation, "ratings", path, assessment.ratings, True),
            open_questions=self.strings(evaluation, "open_questions", path, assessment.open_questions, True))
        faithful.compare_assessment(assessment, translated, _assessment_lines(test, evaluation), path, self.lang,
                                    self.report, self.course.glossary, self.names)
        return dataclasses.replace(translated, english=still_english_text(assessment, translated, ASSESSMENT_FIELDS))

    def part(self, data: dict, key: str, allowed: set, path: Path) -> dict:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            pos = data.line_of(key) if hasattr(data, "line_of") else (1, 1)
            self.report.error(path, pos[0], pos[1], f"'{key}' is a mapping of fields ({', '.join(sorted(allowed))})",
                              "yaml-type")
            return {}
        self.keys(value, allowed, path, f" of '{key}'")
        return value

    def questions(self, test: dict, originals: tuple, path: Path) -> tuple:
        english = english_assessment(dataclasses.replace(_NO_ASSESSMENT, questions=originals)).questions
        value = test.get("questions")
        if value is None:
            return english
        pos = test.line_of("questions") if hasattr(test, "line_of") else (1, 1)
        if not isinstance(value, list) or not all(isinstance(q, dict) for q in value):
            self.report.error(path, pos[0], pos[1], "'questions' is a list of questions, each with 'question' and "
                              "'choices'", "yaml-type")
            return english
        if len(value) != len(originals):
            self.report.error(path, pos[0], pos[1], f"the test has {len(value)} questions here, {len(originals)} in "
                              "the English source: translate every question, in the same order (never drop or add "
                              "one)", "translation-structure")
            return english
        out = []
        for n, (data, original, shown) in enumerate(zip(value, originals, english), 1):
            self.keys(data, QUESTION_KEYS, path, f" of question {n}")
            question = self.string(data, "question", path, original.question)
            choices = self.choices(data, original, shown, n, path)
            translated = dataclasses.replace(original, question=question, choices=choices)
            out.append(dataclasses.replace(translated, english=still_english_text(original, translated,
                                                                                  QUESTION_FIELDS)))
        return tuple(out)

    def choices(self, data: dict, original, shown, n: int, path: Path) -> tuple:
        value = data.get("choices")
        if value is None:
            return shown.choices
        pos = data.line_of("choices") if hasattr(data, "line_of") else (1, 1)
        if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
            self.report.error(path, pos[0], pos[1], f"question {n}: 'choices' is a list of choices, each with "
                              "'text' (and 'feedback')", "yaml-type")
            return shown.choices
        if len(value) != len(original.choices):
            self.report.error(path, pos[0], pos[1], f"question {n} has {len(value)} choices here, "
                              f"{len(original.choices)} in the English source: never drop or add a choice (the "
                              "correct answer is the English one, by its place)", "translation-structure")
            return shown.choices
        out = []
        for i, (c, english) in enumerate(zip(value, original.choices), 1):
            if "correct" in c:
                at = c.line_of("correct") if hasattr(c, "line_of") else pos
                self.report.error(path, at[0], at[1], f"question {n}, choice {i}: leave 'correct' out of a "
                                  "translation; the correct answer comes from the English source",
                                  "translation-structure")
            self.keys({k: v for k, v in c.items() if k != "correct"}, CHOICE_KEYS, path,
                      f" of question {n}, choice {i}")
            if isinstance(c.get("text"), (int, float)) and not isinstance(c.get("text"), bool):
                c = {**c, "text": str(c["text"])}  # a number written without quotes
            translated = dataclasses.replace(english, text=self.string(c, "text", path, english.text),
                                             feedback=self.string(c, "feedback", path, english.feedback))
            out.append(dataclasses.replace(translated, english=still_english_text(english, translated,
                                                                                  CHOICE_FIELDS)))
        return tuple(out)

    def home(self, course: Course) -> str:
        t, data, body, body_line = self.markdown(course.source / "home.md", "home", HOME_KEYS)
        if data is None or not body.strip():
            return course.home
        self.check_body(body, t.path, body_line)
        return body


_NO_ASSESSMENT = Assessment("", "", (), "", (), ())


def _assessment_lines(test: dict, evaluation: dict) -> dict:
    """Where each translated text of assessment.<lang>.yaml is, for the faithfulness checks: ("title",),
    ("question", n), ("choice", n, i), ("feedback", n, i), ("rating", i)... -> line."""
    def line(data, key):
        return data.value_line_of(key)[0] if hasattr(data, "value_line_of") and key in data else None
    out = {("test_title",): line(test, "title"), ("instructions",): line(test, "instructions"),
           ("evaluation_title",): line(evaluation, "title")}
    questions = test.get("questions")
    if isinstance(questions, list):
        for n, q in enumerate(questions):
            if not isinstance(q, dict):
                continue
            out[("question", n)] = line(q, "question") or (questions.line_of(n)[0] if hasattr(questions, "line_of")
                                                            else None)
            for i, c in enumerate(q.get("choices") or []):
                if isinstance(c, dict):
                    out[("text", n, i)] = line(c, "text")
                    out[("feedback", n, i)] = line(c, "feedback")
    for key in ("ratings", "open_questions"):
        items = evaluation.get(key)
        if isinstance(items, list):
            for i in range(len(items)):
                out[(key, i)] = items.line_of(i)[0] if hasattr(items, "line_of") else None
    return {k: v for k, v in out.items() if v}


def _session(sessions: dict, title: str) -> str:
    value = sessions.get(title)
    return value.strip() if isinstance(value, str) and value.strip() else title


def _mark_edition(original, translated):
    """The edition with its titles, day titles and (non-lesson) session titles marked where still English."""
    days = []
    for o_day, t_day in zip(original.days, translated.days):
        sessions = tuple(t if t.lesson is not None else dataclasses.replace(t, english=still_english(o, t, SESSION_FIELDS))
                         for o, t in zip(o_day.sessions, t_day.sessions))
        days.append(dataclasses.replace(t_day, sessions=sessions, english=still_english(o_day, t_day, DAY_FIELDS)))
    return dataclasses.replace(translated, days=tuple(days), english=still_english(original, translated, EDITION_FIELDS))


def translate(course: Course, lang: str, report: Report) -> tuple[Course, LanguageReport]:
    """The course as readers of `lang` see it, and the report of what is translated."""
    if lang == "en":
        return course, LanguageReport(lang, ())
    reader = _Reader(course, lang, report)
    translated = reader.course_file(course)
    home = reader.home(course)
    glossary = reader.glossary(course.glossary)
    reader.names = {term: entry.expansion for term, entry in glossary.items()
                    if entry.expansion and entry.expansion != getattr(course.glossary.get(term), "expansion", None)}
    modules = tuple(reader.module(module) for module in course.modules)
    lessons = {lesson.key: lesson for module in modules for lesson in module.lessons}
    editions = tuple(dataclasses.replace(edition, days=tuple(
        dataclasses.replace(day, sessions=tuple(
            dataclasses.replace(s, lesson=lessons[s.lesson.key], title=lessons[s.lesson.key].title)
            if s.lesson is not None and s.lesson.key in lessons else s for s in day.sessions))
        for day in edition.days), self_study=tuple(lessons.get(lesson.key, lesson) for lesson in edition.self_study))
        for edition in translated.editions)
    assessment = reader.assessment(course.assessment)
    result = dataclasses.replace(translated, home=home, glossary=glossary, modules=modules, editions=editions,
                                 assessment=assessment, lang=lang, original=course)
    result = dataclasses.replace(result, english=still_english(course, result, COURSE_FIELDS),
                                 editions=tuple(_mark_edition(o, t) for o, t in zip(course.editions, result.editions)))
    return result, LanguageReport(lang, tuple(reader.items))


def check_sources(course: Course, report: Report) -> None:
    """Reject Zawgyi-encoded Burmese in every English source file (translations are checked as they load)."""
    for path in sorted(course.source.rglob("*")):
        if path.suffix in (".md", ".yaml", ".yml") and path.is_file() and not _is_translation(path):
            text = path.read_text(encoding="utf-8", errors="replace")
            check_zawgyi(text, path, 1, report, per_line=True)


def _is_translation(path: Path) -> bool:
    return bool(re.search(r"\.[a-z]{2,3}\.(md|ya?ml)$", path.name))

