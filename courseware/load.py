"""Load stage: read course.yaml, modules, lessons, glossary, references and assessment into a Course."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from . import schema
from .i18n import N_, SUPPORTED
from .model import (Assessment, Choice, Course, Day, Edition, GlossaryEntry, Lesson, Module, Question,
                    Reference, Session)
from .problems import Report, did_you_mean
from .yamlload import YAMLProblem, load as load_yaml

RECAP_MINUTES = 10
READ_BEFOREHAND_MESSAGE = N_("Read beforehand: trainees read this lesson the evening before. Open with a %(m)s-minute "
                             "recap of its key points and questions, then run the activities.")
READ_BEFOREHAND_NOTE = READ_BEFOREHAND_MESSAGE % {"m": RECAP_MINUTES}  # put before a read-beforehand session's note
FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
NUMBER_PREFIX = re.compile(r"^\d+[-_]")
LANG_SUFFIX = re.compile(r"\.([a-z]{2,3})\.md$")


def read_text(path: Path, report: Report) -> str | None:
    """The text of a course file, or None if it is missing or unreadable (reported, except when missing).

    A file that is a link to somewhere outside the project is refused (`unsafe-path`): the course would
    read, and publish, a file that is not part of it."""
    real, root = path.resolve(), Path(report.root).resolve()
    if path.is_symlink() and root not in real.parents and path.exists():
        report.error(path, 1, 1, f"'{report.rel(path)}' is a link to a file outside the project ({real}); copy the "
                     "file into the project instead", "unsafe-path")
        return None
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        report.error(path, line, 1, "file is not UTF-8 text; save it as UTF-8", "encoding")
        return None
    return text.replace("\r\n", "\n").lstrip("\ufeff")


def read_yaml(path: Path, report: Report, required: bool = True):
    text = read_text(path, report)
    if text is None:
        if required:
            report.error(path, 1, 1, f"missing file: expected {path.name} here", "missing-file")
        return None
    try:
        return load_yaml(text)
    except YAMLProblem as exc:
        report.error(path, exc.line, exc.col, exc.message, "yaml-syntax")
        return None


def split_front_matter(text: str, path: Path, report: Report):
    """Return (front matter data, body, number of lines before the body)."""
    m = FRONT.match(text)
    if not m:
        report.error(path, 1, 1, "expected front matter between two '---' lines at the top of the lesson",
                     "front-matter")
        return None, text, 0
    try:
        data = load_yaml(m.group(1) or "", offset=1)
    except YAMLProblem as exc:
        report.error(path, exc.line, exc.col, exc.message, "yaml-syntax")
        data = None
    return data, text[m.end():], text[:m.end()].count("\n")


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load_lesson(path: Path, module_id: str, report: Report) -> Lesson | None:
    text = read_text(path, report)
    if text is None:
        return None
    data, body, body_line = split_front_matter(text, path, report)
    if data is None:
        return None
    fm = schema.LESSON.validate(data, report, path, pos=(2, 1))
    if fm is None:
        return None
    # Keep a lesson whose front matter has errors (already reported), so that its body is checked too.
    lesson_id = fm.get("id") or NUMBER_PREFIX.sub("", path.stem)
    return Lesson(id=lesson_id, module_id=module_id, path=path, title=fm.get("title") or path.stem,
                  teaching_minutes=fm.get("teaching_minutes") or 0, activity_minutes=fm.get("activity_minutes") or 0,
                  objectives=tuple(fm.get("objectives") or ()), key_questions=tuple(fm.get("key_questions") or ()),
                  key_points=tuple(fm.get("key_points") or ()), materials=tuple(fm.get("materials") or ()),
                  body=body, body_line=body_line, source_hash=source_hash(text))


def load_module(source: Path, folder: str, number: int, languages, report: Report,
                pos=(1, 1), course_path=None) -> Module | None:
    directory = source / folder
    path = directory / "module.yaml"
    if not directory.is_dir():
        report.error(course_path, pos[0], pos[1], f"module folder '{folder}' does not exist in modules/"
                     f"{did_you_mean(folder, [p.name for p in source.iterdir() if p.is_dir()])}", "missing-file")
        return None
    raw = read_yaml(path, report)
    data = schema.MODULE.validate(raw, report, path) if raw is not None else None
    if not data or any(data.get(k) is None for k in ("id", "title", "lessons")):
        return None
    lessons, seen = [], {}
    listed, unreadable = set(), set()
    for i, name in enumerate(data["lessons"]):
        lpos = raw["lessons"].line_of(i) if hasattr(raw.get("lessons"), "line_of") else raw.pos
        lesson_path = directory / name
        listed.add(name)
        if not lesson_path.is_file():
            candidates = [p.name for p in directory.glob("*.md") if not _is_translation(p, languages)]
            report.error(path, lpos[0], lpos[1], f"lessons[{i + 1}]: '{name}' does not exist"
                         f"{did_you_mean(name, candidates)}", "missing-file")
            continue
        lesson = load_lesson(lesson_path, data["id"], report)
        if lesson is None:  # its errors are reported; an agenda naming it need not add one
            unreadable.add(f"{data['id']}/{NUMBER_PREFIX.sub('', lesson_path.stem)}")
            continue
        if lesson.id in seen:
            report.error(lesson_path, 1, 1, f"duplicate lesson id '{lesson.id}' (also {seen[lesson.id].name})",
                         "duplicate-id")
            continue
        seen[lesson.id] = lesson_path
        lessons.append(lesson)
    for md_file in sorted(directory.glob("*.md")):
        if md_file.name not in listed and not _is_translation(md_file, languages):
            report.error(md_file, 1, 1, f"lesson file is not listed in {folder}/module.yaml 'lessons'",
                         "unlisted-lesson")
    return Module(id=data["id"], folder=folder, path=path, title=data["title"], summary=data["summary"] or "",
                  objectives=tuple(data["objectives"] or ()), lessons=tuple(lessons), number=number,
                  unreadable=frozenset(unreadable))


def _is_translation(path: Path, languages) -> bool:
    m = LANG_SUFFIX.search(path.name)
    return bool(m and m.group(1) in set(languages) | set(SUPPORTED))


def _entries(paths, entry: schema.Schema, what: str, key: str, label: str, required: tuple, report: Report,
             unreadable: set | None) -> dict:
    """{entry[key]: (path, line, entry)} for the entries of the list files at `paths` that exist, each with its
    `required` fields; a key given twice is reported as a duplicate `label`. `what` ("glossary" or "references") is added to
    `unreadable` when one of the files cannot be read whole (its error is reported)."""
    found: dict = {}
    for path in paths:
        raw = read_yaml(path, report, required=False)
        entries = None if raw is None else schema.check_type(raw, schema.ListOf(entry), report, path, what, (1, 1))
        if entries is None:
            if path.exists() and unreadable is not None:
                unreadable.add(what)
            continue
        for i, e in enumerate(entries):
            if not e or any(e.get(k) is None for k in required):
                continue
            line = raw.line_of(i)[0]
            if e[key] in found:
                other_path, other_line, _ = found[e[key]]
                report.error(path, line, 1, f"duplicate {label} '{e[key]}' (also at "
                             f"{report.rel(other_path)}:{other_line})", "duplicate-id")
                continue
            found[e[key]] = (path, line, e)
    return found


def load_glossary(paths, report: Report, unreadable: set | None = None) -> dict:
    found = _entries(paths, schema.GLOSSARY_ENTRY, "glossary", "term", "glossary term", ("term", "definition"),
                     report, unreadable)
    glossary = {term: GlossaryEntry(term, e["definition"], e.get("expansion"), path, line)
                for term, (path, line, e) in found.items()}
    return dict(sorted(glossary.items(), key=lambda kv: kv[0].lower()))


def load_references(paths, report: Report, unreadable: set | None = None) -> dict:
    found = _entries(paths, schema.REFERENCE, "references", "id", "reference id", ("id", "author", "title", "year"),
                     report, unreadable)
    refs = {ref: Reference(ref, r["author"], r["title"], r["year"], r.get("url"), r.get("accessed"), r.get("note"),
                           path, line) for ref, (path, line, r) in found.items()}
    return dict(sorted(refs.items(), key=lambda kv: (kv[1].author.lower(), kv[1].year, kv[0])))


def load_assessment(path: Path, report: Report) -> Assessment | None:
    raw = read_yaml(path, report, required=False)
    if raw is None:
        return None
    data = schema.ASSESSMENT.validate(raw, report, path)
    if not data or not data.get("test") or not data.get("evaluation"):
        return None
    test, ev = data["test"], data["evaluation"]
    questions = []
    qlist = raw["test"].get("questions") if hasattr(raw.get("test"), "get") else None
    for i, q in enumerate(test.get("questions") or []):
        if not q:
            continue
        choices = tuple(Choice(c["text"], bool(c.get("correct")), c.get("feedback"))
                        for c in (q.get("choices") or []) if c)
        if not any(c.correct for c in choices):
            line = qlist.line_of(i)[0] if hasattr(qlist, "line_of") else 1
            report.error(path, line, 1, f"test question {i + 1} has no correct answer "
                         "(mark one choice with 'correct: true')", "no-correct-answer")
        questions.append(Question(q["question"], choices))
    return Assessment(test["title"], test["instructions"], tuple(questions), ev["title"],
                      tuple(ev["ratings"] or ()), tuple(ev["open_questions"] or ()))


def build_editions(raw_course, editions_data, modules, path: Path, report: Report,
                   lost_module: bool = False) -> tuple[Edition, ...]:
    """The editions; lost_module: a module could not be read (its error is reported), so a lesson of a module
    not among `modules` is not reported as unknown too."""
    lessons = {lesson.key: lesson for m in modules for lesson in m.lessons}
    unreadable = set().union(*(m.unreadable for m in modules))
    known_modules = {m.id for m in modules}

    def reported(ref: str) -> bool:
        """A lesson whose own file, or whose module's file, could not be read: its error is already reported."""
        return ref in unreadable or (lost_module and ref.partition("/")[0] not in known_modules)
    out, seen = [], set()
    raw_editions = raw_course.get("editions") or []
    for ei, ed in enumerate(editions_data or []):
        if not ed or not ed.get("id") or not ed.get("days"):
            continue
        raw_ed = raw_editions[ei]
        if ed["id"] in seen:
            report.error(path, raw_ed.pos[0], raw_ed.pos[1], f"duplicate edition id '{ed['id']}'", "duplicate-id")
        seen.add(ed["id"])
        days = []
        for di, day in enumerate(ed["days"]):
            if not day or day.get("start") is None or day.get("end") is None:
                continue
            raw_day = raw_ed["days"][di]
            clock = day["start"]
            sessions = []
            for si, s in enumerate(day.get("sessions") or []):
                if not s:
                    continue
                raw_s = raw_day["sessions"][si]
                spos = raw_s.pos
                kind = next((k for k in ("lesson", "session", "break", "lunch") if s.get(k)), None)
                if kind is None:
                    continue
                lesson = None
                if kind == "lesson":
                    lesson = lessons.get(s["lesson"])
                    if lesson is None and reported(s["lesson"]):
                        continue
                    if lesson is None:
                        vpos = raw_s.value_line_of("lesson")
                        report.error(path, vpos[0], vpos[1], f"session names unknown lesson '{s['lesson']}' "
                                     f"(expected 'module-id/lesson-id'){did_you_mean(s['lesson'], lessons)}",
                                     "unknown-lesson")
                        continue
                minutes = s.get("minutes")
                beforehand = bool(s.get("read_beforehand"))
                note = s.get("note")
                if beforehand and lesson is None:
                    report.error(path, spos[0], spos[1], "read_beforehand only applies to a lesson", "wrong-type")
                if minutes is None:
                    if lesson is None:
                        report.error(path, spos[0], spos[1], f"a {kind} needs 'minutes'", "missing-field")
                        continue
                    minutes = lesson.activity_minutes + RECAP_MINUTES if beforehand else lesson.minutes
                if beforehand and lesson is not None:
                    note = " ".join(filter(None, [READ_BEFOREHAND_NOTE, note]))
                title = lesson.title if lesson else s[kind]
                sessions.append(Session(kind, title, clock, minutes, lesson, note, beforehand and lesson is not None))
                clock += minutes
            if clock > day["end"]:
                report.error(path, raw_day.pos[0], raw_day.pos[1],
                             f"{ed['id']}, day {di + 1} ('{day['title']}'): sessions end at {hhmm(clock)}, "
                             f"after the day's end at {hhmm(day['end'])} (overrun of {clock - day['end']} minutes)",
                             "day-overrun")
            days.append(Day(di + 1, day["title"], day["start"], day["end"], tuple(sessions)))
        self_study = []
        in_agenda = {s.lesson.key for d in days for s in d.sessions if s.lesson}
        for i, ref in enumerate(ed.get("self_study") or []):
            ipos = raw_ed["self_study"].line_of(i) if hasattr(raw_ed.get("self_study"), "line_of") else raw_ed.pos
            if ref not in lessons and reported(ref):
                continue
            if ref not in lessons:
                report.error(path, ipos[0], ipos[1], f"self_study names unknown lesson '{ref}'"
                             f"{did_you_mean(ref, lessons)}", "unknown-lesson")
            elif ref in in_agenda:
                report.error(path, ipos[0], ipos[1], f"self_study lesson '{ref}' is also in the agenda of "
                             f"'{ed['id']}'", "duplicate-id")
            else:
                self_study.append(lessons[ref])
        out.append(Edition(ed["id"], ed["title"], ed.get("summary"), tuple(days), tuple(self_study)))
    return tuple(out)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def load_course(root: Path, report: Report) -> Course | None:
    """Read everything under root/modules; return None when the course cannot even be assembled."""
    source = root / "modules"
    path = source / "course.yaml"
    raw = read_yaml(path, report)
    if raw is None:
        return None
    data = schema.COURSE.validate(raw, report, path)
    if not data or any(data.get(k) is None for k in ("title", "version", "release_date", "languages", "modules")):
        return None
    languages = tuple(data["languages"])
    if languages and languages[0] != "en":
        p = raw.value_line_of("languages")
        report.error(path, p[0], p[1], f"languages: English ('en') must come first; found '{languages[0]}'",
                     "languages")
    raw_languages = raw["languages"]
    for i, lang in enumerate(languages):
        p = raw_languages.line_of(i) if hasattr(raw_languages, "line_of") else raw.value_line_of("languages")
        if lang not in SUPPORTED:
            report.error(path, p[0], p[1], f"languages[{i + 1}]: expected one of {', '.join(SUPPORTED)} (the languages "
                         f"with interface translations and fonts), found '{lang}'{did_you_mean(lang, SUPPORTED)}",
                         "languages")
        elif lang in languages[:i]:
            report.error(path, p[0], p[1], f"languages[{i + 1}]: '{lang}' is listed twice", "languages")
    lost_module = False
    modules, seen_ids = [], {}
    for i, folder in enumerate(data["modules"]):
        mpos = raw["modules"].line_of(i)
        module = load_module(source, folder, i + 1, languages, report, mpos, path)
        if module is None:
            lost_module = True
            continue
        if module.id in seen_ids:
            report.error(module.path, 1, 1, f"duplicate module id '{module.id}' (also in {seen_ids[module.id]})",
                         "duplicate-id")
            continue
        seen_ids[module.id] = folder
        modules.append(module)
    listed = set(data["modules"])
    for d in sorted(p for p in source.iterdir() if p.is_dir() and (p / "module.yaml").exists()):
        if d.name not in listed:
            report.error(d / "module.yaml", 1, 1, f"module folder '{d.name}' is not listed in course.yaml 'modules'",
                         "unlisted-module")
    # Every listed module folder, even one whose module.yaml failed: its terms and sources are still the
    # course's, and leaving them out would add an error for every citation of them elsewhere.
    module_folders = [source / folder for folder in data["modules"] if (source / folder).is_dir()]
    unreadable: set = set()
    glossary = load_glossary([source / "glossary.yaml"] + [d / "glossary.yaml" for d in module_folders], report,
                             unreadable)
    references = load_references([source / "references.yaml"] + [d / "references.yaml" for d in module_folders],
                                 report, unreadable)
    if not (source / "glossary.yaml").exists():
        report.error(source / "glossary.yaml", 1, 1, "missing file: the course glossary", "missing-file")
    if not (source / "references.yaml").exists():
        report.error(source / "references.yaml", 1, 1, "missing file: the course references", "missing-file")
    editions = build_editions(raw, data.get("editions"), modules, path, report, lost_module)
    home = read_text(source / "home.md", report) or ""
    assessment = load_assessment(source / "assessment.yaml", report)
    mastery = data.get("mastery_score", 80)
    if isinstance(mastery, int) and not 0 <= mastery <= 100:
        p = raw.value_line_of("mastery_score")
        report.error(path, p[0], p[1], f"mastery_score: expected a percentage from 0 to 100, found {mastery}",
                     "wrong-type")
    return Course(root=root, source=source, title=data["title"], subtitle=data.get("subtitle"),
                  version=data["version"], release_date=data["release_date"], publisher=data["publisher"] or "",
                  languages=languages, modules=tuple(modules), editions=editions, glossary=glossary,
                  references=references, home=home, assessment=assessment, unreadable=frozenset(unreadable),
                  mastery_score=mastery if isinstance(mastery, int) else 80)
