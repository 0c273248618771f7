"""Every field of every source file, declared once with its type and a one-line description."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .problems import did_you_mean
from .yamlload import Map, Seq, is_date


@dataclass(frozen=True)
class Field:
    name: str
    type: object  # 'str' | 'int' | 'bool' | 'date' | 'time' | 'strlist' | 'intlist' | Schema | ListOf
    description: str
    required: bool = False
    default: object = None


@dataclass(frozen=True)
class ListOf:
    schema: "Schema"


TYPE_NAMES = {"str": "text", "int": "a whole number", "bool": "true or false", "date": "a date (YYYY-MM-DD)",
              "time": "a time in quotes, like \"09:00\"", "strlist": "a list of text items",
              "intlist": "a list of numbers"}

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if value is None:
        return "nothing"
    if isinstance(value, dt.date):
        return f"the date {value}"
    return type(value).__name__


class Schema:
    """The fields of one kind of record (a course, a lesson, a session...)."""

    def __init__(self, name: str, fields: list[Field], one_of: tuple[str, ...] = ()):
        self.name = name
        self.fields = {f.name: f for f in fields}
        self.one_of = one_of  # exactly one of these fields must be present

    def validate(self, data, report, path, where: str = "", pos=(1, 1)) -> dict | None:
        """Check `data` against the schema; report problems; return a plain dict with defaults."""
        if not isinstance(data, dict):
            report.error(path, pos[0], pos[1],
                         f"{where or self.name}: expected a set of fields ({self.name}), found {_kind(data)}",
                         "wrong-type")
            return None
        out: dict = {}
        prefix = f"{where}: " if where else ""
        for key, value in data.items():
            kpos = data.line_of(key) if isinstance(data, Map) else pos
            if key not in self.fields:
                report.error(path, kpos[0], kpos[1],
                             f"{prefix}unknown field '{key}' in {self.name}{did_you_mean(key, self.fields)}",
                             "unknown-field")
                continue
            f = self.fields[key]
            vpos = data.value_line_of(key) if isinstance(data, Map) else pos
            out[key] = check_type(value, f.type, report, path, f"{prefix}{key}" if prefix else key, vpos)
            if f.required and out[key] == [] and value == []:  # `objectives: []` states nothing
                report.error(path, vpos[0], vpos[1], f"{prefix}{key}: expected at least one item ({f.description}), "
                             "found an empty list", "missing-field")
        present = [name for name in self.one_of if name in data]
        if self.one_of and len(present) != 1:
            names = ", ".join(f"'{n}'" for n in self.one_of)
            found = ", ".join(f"'{n}'" for n in present) or "none of them"
            report.error(path, pos[0], pos[1],
                         f"{prefix}a {self.name} needs exactly one of {names}; found {found}", "missing-field")
        for f in self.fields.values():
            if f.name not in data:
                if f.required:
                    report.error(path, pos[0], pos[1],
                                 f"{prefix}missing required field '{f.name}' in {self.name} ({f.description})",
                                 "missing-field")
                out.setdefault(f.name, f.default)
        return out


def check_type(value, spec, report, path, where, pos):
    """Check one value against a type spec; report and return None when it does not fit."""
    line, col = pos

    def bad(expected):
        report.error(path, line, col, f"{where}: expected {expected}, found {_kind(value)}", "wrong-type")
        return None

    if isinstance(spec, Schema):
        return spec.validate(value, report, path, where, pos)
    if isinstance(spec, ListOf):
        if not isinstance(value, list):
            return bad(f"a list, one {spec.schema.name} per '- ' item")
        items = []
        for i, item in enumerate(value):
            ipos = value.line_of(i) if isinstance(value, Seq) else pos
            items.append(spec.schema.validate(item, report, path, f"{where}[{i + 1}]", ipos))
        return items
    if spec == "str":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # "version: 1.0" is fine as text
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict) and len(value) == 1:
            return bad("text (a colon followed by a space makes YAML read this as a field: put the whole text "
                       "in double quotes)")
        if not isinstance(value, str) or not value.strip():
            return bad(TYPE_NAMES["str"])
        return value.strip()
    if spec == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return bad(TYPE_NAMES["int"])
        if value < 0:
            return bad("a positive whole number")
        return value
    if spec == "bool":
        if not isinstance(value, bool):
            return bad(TYPE_NAMES["bool"])
        return value
    if spec == "date":
        if is_date(value):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        return bad(TYPE_NAMES["date"])
    if spec == "time":
        # YAML 1.1 reads an unquoted 09:00 as the base-60 number 540: accept it kindly.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return value
        if isinstance(value, str) and (m := _TIME.match(value.strip())):
            return int(m.group(1)) * 60 + int(m.group(2))
        return bad(TYPE_NAMES["time"])
    if spec in ("strlist", "intlist"):
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = Seq([value])
        if not isinstance(value, list):
            return bad(TYPE_NAMES[spec])
        out = []
        for i, item in enumerate(value):
            ipos = value.line_of(i) if isinstance(value, Seq) else pos
            out.append(check_type(item, spec[:3], report, path, f"{where}[{i + 1}]", ipos))
        return [x for x in out if x is not None]
    raise AssertionError(f"unknown type spec {spec!r}")


# --- The declarations -------------------------------------------------------------------------

SESSION = Schema("session", [
    Field("lesson", "str", "A lesson, as 'module-id/lesson-id'."),
    Field("session", "str", "The title of a session that is not a lesson (opening, test, evaluation)."),
    Field("break", "str", "A break, with its name (for example 'Tea break')."),
    Field("lunch", "str", "The lunch break, with its name."),
    Field("minutes", "int", "How long it lasts; a lesson defaults to its teaching plus activity minutes."),
    Field("read_beforehand", "bool", "A lesson trainees read the evening before: the session is a 10-minute "
          "recap plus the activities.", default=False),
    Field("note", "str", "A note for the facilitator guide."),
], one_of=("lesson", "session", "break", "lunch"))

DAY = Schema("day", [
    Field("title", "str", "The day's title, for example 'Day 1: ASEAN context'.", required=True),
    Field("start", "time", "When the day starts, \"HH:MM\".", required=True),
    Field("end", "time", "When the day must end, \"HH:MM\".", required=True),
    Field("sessions", ListOf(SESSION), "The sessions, breaks and lunch, in order.", required=True),
])

EDITION = Schema("edition", [
    Field("id", "str", "A short name with no spaces, for example 'five-day'.", required=True),
    Field("title", "str", "The edition's title, for example '5-day training course'.", required=True),
    Field("summary", "str", "Who the edition is for and what it covers."),
    Field("days", ListOf(DAY), "The days, in order.", required=True),
    Field("self_study", "strlist", "Lessons ('module-id/lesson-id') trainees work through on their own in this "
          "edition, outside the agenda.", default=[]),
])

COURSE = Schema("course", [
    Field("title", "str", "The course title.", required=True),
    Field("subtitle", "str", "A line under the title."),
    Field("version", "str", "The version of the materials, for example \"1.0\".", required=True),
    Field("release_date", "date", "The date of this version; also the date in every PDF.", required=True),
    Field("publisher", "str", "Who publishes the materials.", required=True),
    Field("languages", "strlist", "Language codes to build, English first.", required=True),
    Field("modules", "strlist", "The module folders, in teaching order.", required=True),
    Field("editions", ListOf(EDITION), "The ways the course can be run, each with its agenda.", required=True),
    Field("mastery_score", "int", "The percentage of quiz questions a learner must answer right to pass a module "
          "(or the course) in an LMS: the SCORM packages report passed or failed against it.", default=80),
])

MODULE = Schema("module", [
    Field("id", "str", "A short name with no spaces, used in links and agendas.", required=True),
    Field("title", "str", "The module title.", required=True),
    Field("summary", "str", "What the module is about, in two or three sentences.", required=True),
    Field("objectives", "strlist", "What trainees can do after the module.", required=True),
    Field("lessons", "strlist", "The lesson files, in teaching order.", required=True),
])

LESSON = Schema("lesson", [
    Field("title", "str", "The lesson title.", required=True),
    Field("id", "str", "A short name; defaults to the file name without its number."),
    Field("teaching_minutes", "int", "Minutes of input by the facilitator.", required=True),
    Field("activity_minutes", "int", "Minutes of activities and discussion.", required=True),
    Field("objectives", "strlist", "What a trainee can do after the lesson, numbered from 1.", required=True),
    Field("key_questions", "strlist", "The questions the lesson answers.", default=[]),
    Field("key_points", "strlist", "The points to remember.", required=True),
    Field("materials", "strlist", "What the facilitator needs for the lesson.", default=[]),
    Field("translation_of", "str", "In a translation: the hash of the English source it translates."),
    Field("status", "str", "In a translation: 'draft' until a native speaker has reviewed it, then 'reviewed'."),
])

GLOSSARY_ENTRY = Schema("glossary entry", [
    Field("term", "str", "The acronym or term as it appears in the text.", required=True),
    Field("expansion", "str", "What the letters stand for."),
    Field("definition", "str", "A plain explanation in one or two sentences.", required=True),
])

REFERENCE = Schema("reference", [
    Field("id", "str", "A short name used in citations: [@id].", required=True),
    Field("author", "str", "The author or publisher.", required=True),
    Field("title", "str", "The title of the document or page.", required=True),
    Field("year", "int", "The year of publication.", required=True),
    Field("url", "str", "Where to find it."),
    Field("accessed", "date", "When a changing page was checked."),
    Field("note", "str", "Anything a reader should know."),
])

CHOICE = Schema("choice", [
    Field("text", "str", "The text of the choice.", required=True),
    Field("correct", "bool", "true for a right answer.", default=False),
    Field("feedback", "str", "What the trainee reads after choosing it."),
])

QUESTION = Schema("question", [
    Field("question", "str", "The question.", required=True),
    Field("checks", "intlist", "The lesson objectives (by number) this question checks.", default=[]),
    Field("choices", ListOf(CHOICE), "The choices.", required=True),
])

TEST = Schema("test", [
    Field("title", "str", "The test title.", required=True),
    Field("instructions", "str", "What trainees are told before they start.", required=True),
    Field("questions", ListOf(QUESTION), "The questions, used for both the pre-test and the post-test.",
          required=True),
])

EVALUATION = Schema("evaluation", [
    Field("title", "str", "The form title.", required=True),
    Field("ratings", "strlist", "Statements rated from 1 (disagree) to 5 (agree).", required=True),
    Field("open_questions", "strlist", "Questions answered in writing.", required=True),
])

ASSESSMENT = Schema("assessment", [
    Field("test", TEST, "The pre-test and post-test.", required=True),
    Field("evaluation", EVALUATION, "The daily evaluation form.", required=True),
])

# Block options. `checks` lists lesson objectives by number.
BLOCKS = {
    "activity": Schema("activity", [
        Field("minutes", "int", "How long the activity takes.", required=True),
        Field("group", "str", "How trainees work: individual, pairs, small groups, plenary...", required=True),
        Field("materials", "strlist", "What is needed.", default=[]),
        Field("checks", "intlist", "The objectives this activity checks.", default=[]),
    ]),
    "discussion": Schema("discussion", [
        Field("minutes", "int", "How long the discussion takes."),
        Field("group", "str", "Who discusses: pairs, small groups, plenary..."),
        Field("checks", "intlist", "The objectives this discussion checks.", default=[]),
    ]),
    "case-study": Schema("case study", [
        Field("basis", "str", "The documented pattern the composite story rests on, with a citation.",
              required=True),
    ]),
    "facilitator-note": Schema("facilitator note", []),
    "key-points": Schema("key points", []),
    "worksheet": Schema("worksheet", [
        Field("lines", "int", "Ruled lines of writing space after each prompt in print.", default=4),
        Field("checks", "intlist", "The objectives this worksheet checks.", default=[]),
    ]),
    "quiz": Schema("quiz", []),
    "callout": Schema("callout", [
        Field("type", "str", "note, tip, warning or important.", default="note"),
    ]),
}

# Which blocks may sit inside which (see AUTHORING.md).
NESTING = {
    None: set(BLOCKS),
    "activity": {"facilitator-note", "worksheet", "case-study", "callout", "discussion"},
    "discussion": {"facilitator-note", "callout"},
    "case-study": {"facilitator-note", "callout"},
    "worksheet": {"facilitator-note", "callout"},
    "callout": set(), "key-points": set(), "quiz": set(), "facilitator-note": set(),
}

CALLOUT_TYPES = ("note", "tip", "warning", "important")
