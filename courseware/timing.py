"""Timing plan: a lesson session broken into minute-by-minute steps for the facilitator guide.

The plan is derived from the lesson itself: each `##` section of the reading is a step of input,
sharing the lesson's `teaching_minutes` in proportion to its length; each top-level `activity` or
`discussion` block is a step of its own `minutes`; the rest of `activity_minutes` goes to the
top-level worksheets and quizzes (or to questions and wrap-up when there are none). When the agenda
gives the session a different length than the lesson asks for, every step is scaled to fit, so that
the clock times always add up to the agenda.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .load import RECAP_MINUTES
from .markup import CITATION, CLOSER, FENCE, HEADER, source_lines
from .model import Lesson
from .yamlload import SAFE_LOADER

TIMED_BLOCKS = ("activity", "discussion")
FILLED_BLOCKS = ("worksheet", "quiz")
INPUT = ("input", "case-study")  # parts that share the teaching minutes
HEADING = re.compile(r"^##[ \t]+(.+?)[ \t#]*$")
WORD = re.compile(r"\w+")
# A step of an activity states its time in brackets: "(10 minutes)", "(1 minute)", "(5 minutes, or as homework)".
# "(6 minutes per team)" is not a fixed time, and does not count.
STEP_MINUTES = re.compile(r"\((\d+) minutes?(?:[,;:][^()]*)?\)")
STEP = re.compile(r"^\d+[.)][ \t]+\S")


@dataclass(frozen=True)
class Step:
    """One row of a timing plan."""

    kind: str  # recap | input | case-study | activity | discussion | worksheet | quiz | wrap-up
    title: str
    minutes: int
    start: int = 0  # minutes after midnight
    group: str | None = None

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class TimingPlan:
    steps: tuple[Step, ...]
    planned: int  # the minutes the lesson asks for
    slot: int  # the minutes the agenda gives it

    @property
    def scaled(self) -> bool:
        return self.planned != self.slot


@dataclass
class _Part:
    kind: str
    title: str
    words: int = 0
    minutes: int | None = None
    group: str | None = None


def outline(body: str) -> list[_Part]:
    """The top-level parts of a lesson body, in order: input sections and blocks."""
    parts: list[_Part] = []
    depth: list[int] = []  # slash counts of the open blocks
    reading = True  # whether lines inside the open top-level block count as input
    fence = None
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if fence:
            if line.strip().startswith(fence):
                fence = None
            elif reading:
                _count(parts, line)
            continue
        if m := FENCE.match(line):
            fence = m.group(1)
            continue
        if m := CLOSER.match(line):
            length = len(m.group(1))
            while depth and depth[-1] != length:
                depth.pop()
            if depth:
                depth.pop()
            reading = reading or not depth
            continue
        if m := HEADER.match(line):
            name, title = m.group(2).lower(), _plain(m.group(3) or "")
            if not depth:
                options = []
                while i < len(lines) and lines[i].startswith("    ") and lines[i].strip():
                    options.append(lines[i][4:])
                    i += 1
                opts = _options("\n".join(options))
                reading = name not in TIMED_BLOCKS + FILLED_BLOCKS
                if name in TIMED_BLOCKS:
                    minutes = opts.get("minutes")
                    parts.append(_Part(name, title, minutes=minutes if isinstance(minutes, int) and minutes > 0
                                       else None, group=_text(opts.get("group"))))
                elif name in FILLED_BLOCKS:
                    parts.append(_Part(name, title))
                elif name == "case-study" and (not parts or parts[-1].kind not in INPUT):
                    parts.append(_Part("case-study", title))
            depth.append(len(m.group(1)))
            continue
        if not depth and (m := HEADING.match(line)):
            parts.append(_Part("input", _plain(m.group(1))))
            continue
        if reading:
            _count(parts, line)
    return parts


def _count(parts, line):
    """Add the words of `line` to the input part it belongs to (the last one, or a new one)."""
    words = len(WORD.findall(CITATION.sub("", line)))
    if not words:
        return
    inputs = [p for p in parts if p.kind in INPUT]
    if not inputs:
        parts.append(_Part("input", ""))
        inputs = parts[-1:]
    inputs[-1].words += words


def _options(text: str) -> dict:
    try:
        data = yaml.load(text, Loader=SAFE_LOADER) if text.strip() else {}
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _text(value) -> str | None:
    return str(value) if value not in (None, "") else None


def _plain(text: str) -> str:
    """Heading text without Markdown marks or citations."""
    text = CITATION.sub("", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]", "", text).strip()


@dataclass(frozen=True)
class TimedBlock:
    """An activity or discussion and the minutes its numbered steps state."""

    kind: str  # activity | discussion
    title: str
    line: int  # of the block's header in the file
    minutes: int | None  # its `minutes:` option
    steps: tuple[int | None, ...]  # the minutes each top-level numbered step states, or None

    @property
    def stated(self) -> int:
        return sum(m for m in self.steps if m)


@dataclass
class _Open:
    kind: str
    slashes: int
    line: int
    title: str
    options: list = field(default_factory=list)
    in_options: bool = True
    steps: list = field(default_factory=list)  # the minutes of each step, None until found


def timed_blocks(body: str, offset: int = 0) -> list[TimedBlock]:
    """Every activity and discussion of a lesson body with its steps: the items of the numbered lists written
    directly in the block (not in a block nested in it, nor in a sub-list), each with the first time it states in
    brackets, on any of its lines. `offset`: the file line before the body."""
    found: list[TimedBlock] = []
    stack: list[_Open] = []
    in_step, blank = False, False
    for number, line in source_lines(body, offset + 1):  # fenced code skipped, code spans blanked
        if m := CLOSER.match(line):
            in_step = False
            while stack and stack[-1].slashes != len(m.group(1)):
                stack.pop()
            if stack:
                block = stack.pop()
                if block.kind in TIMED_BLOCKS:
                    minutes = _options("\n".join(block.options)).get("minutes")
                    found.append(TimedBlock(block.kind, block.title, block.line,
                                            minutes if isinstance(minutes, int) else None, tuple(block.steps)))
            continue
        if m := HEADER.match(line):
            in_step = False
            stack.append(_Open(m.group(2).lower(), len(m.group(1)), number, _plain(m.group(3) or "")))
            continue
        if not stack:
            continue
        block = stack[-1]
        if block.in_options:
            if line.startswith("    ") and line.strip():
                block.options.append(line[4:])
                continue
            block.in_options = False
        if block.kind not in TIMED_BLOCKS:
            continue
        if not line.strip():
            blank = True
            continue
        if STEP.match(line):
            block.steps.append(None)
            in_step = True
        elif not line.startswith((" ", "\t")) and blank:
            in_step = False  # a new paragraph after the list
        blank = False
        if in_step and block.steps[-1] is None and (t := STEP_MINUTES.search(line)):
            block.steps[-1] = int(t.group(1))
    return found


def session_plan(session) -> TimingPlan:
    """The timing plan of an agenda session that teaches a lesson."""
    return lesson_plan(session.lesson, session.start, session.minutes, session.read_beforehand)


def lesson_plan(lesson: Lesson, start: int, slot: int | None = None, read_beforehand: bool = False) -> TimingPlan:
    """The timing plan of `lesson` run from `start` (minutes after midnight) for `slot` minutes.

    When trainees read the lesson beforehand, the input is replaced by a recap of the reading."""
    parts = outline(lesson.body)
    if read_beforehand:
        parts = [_Part("recap", "", minutes=RECAP_MINUTES)] + [p for p in parts if p.kind not in INPUT]
    inputs = [p for p in parts if p.kind in INPUT]
    if not inputs and lesson.teaching_minutes and not read_beforehand:
        inputs = [_Part("input", "")]
        parts.insert(0, inputs[0])
    for p, m in zip(inputs, _share(0 if read_beforehand else lesson.teaching_minutes,
                                   [max(p.words, 1) for p in inputs])):
        p.minutes = m
    timed = sum(p.minutes for p in parts if p.kind in TIMED_BLOCKS and p.minutes)
    rest = max(lesson.activity_minutes - timed, 0)
    fill = [p for p in parts if p.kind in FILLED_BLOCKS or (p.kind in TIMED_BLOCKS and not p.minutes)]
    if fill:
        for p, m in zip(fill, _share(rest, [1] * len(fill))):
            p.minutes = m
    elif rest:
        parts.append(_Part("wrap-up", "", minutes=rest))
    parts = [p for p in parts if p.minutes]
    planned = sum(p.minutes for p in parts)
    slot = planned if slot is None else slot
    minutes = _share(slot, [p.minutes for p in parts]) if planned != slot else [p.minutes for p in parts]
    steps, clock = [], start
    for p, m in zip(parts, minutes):
        if m <= 0:
            continue
        steps.append(Step(p.kind, p.title, m, clock, p.group))
        clock += m
    return TimingPlan(tuple(steps), planned, slot)


def _share(total: int, weights: list[int]) -> list[int]:
    """Split `total` minutes in proportion to `weights` (largest remainder; whole minutes, sum exact)."""
    if not weights:
        return []
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda k: (-(exact[k] - out[k]), k))
    for k in order[:total - sum(out)]:
        out[k] += 1
    # Give every part at least one minute when there are enough minutes, taken from the largest.
    for k in range(len(out)):
        if out[k] == 0 and total >= len(out):
            big = max(range(len(out)), key=lambda j: (out[j], -j))
            if out[big] > 1:
                out[big] -= 1
                out[k] += 1
    return out
