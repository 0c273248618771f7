"""Lesson bodies read without rendering: what `build.py check` needs from a lesson's Markdown, from a line scan.

`scan` reports every problem that rendering the body reports (the same path:line:col and message: block
structure, raw HTML, block options, callout types, quiz YAML and questions) and returns what validation
reads from a render: the blocks with their options, the objectives each activity, discussion, worksheet or
quiz question checks, the quiz questions, and the ids of the headings (for links to `#anchors`). It follows
the renderer's reading of the source (markup.py, with PyMdown Blocks): the structural pre-scan is the
renderer's own (markup.LinePreprocessor); block options are read from the indented lines under a block's
header as PyMdown reads them; a quiz's YAML is the text between its header and its closing line; a heading's
id is made by Python-Markdown's own slugify and de-duplication, in document order, from the heading's text
with its inline markup taken out (block titles are headings too). Rendering a lesson takes about thirty
times as long.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field

import yaml
from markdown.extensions.toc import slugify_unicode, unique

from . import schema
from .markup import CITATION, CLOSER, CODE_SPAN, FENCE, HEADER, BlockRecord, DocState, LinePreprocessor, \
    _positioned
from .problems import did_you_mean
from .yamlload import SAFE_LOADER, YAMLProblem, load as load_yaml

OPTION_LINE = re.compile(r"^[ ]{4,}(?!\s)")  # PyMdown's block options: lines indented four spaces or more
ATX = re.compile(r"^(#{1,6})((?:\\.|[^\\])*?)#*$")  # Python-Markdown's heading (no space needed after '#')
SETEXT = re.compile(r"^[=-]+[ ]*$")
LINK_TEXT = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^)]*\)")
UNDERSCORES = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
DASHES = re.compile(r"(?<!-)-{2,3}(?!-)")  # smarty's en and em dashes
ESCAPE = re.compile(r"\\(.)")


@dataclass
class Scan:
    """What a lesson body holds, as validation reads it."""

    state: DocState  # blocks, checks, questions, option lines (as a render's state)
    anchors: set = field(default_factory=set)  # the ids of its headings and block titles


def normalized_lines(text: str) -> list[str]:
    """The body's lines as Python-Markdown reads them (markdown.preprocessors.NormalizeWhitespace): tabs
    expanded, lines of spaces emptied (columns and line numbers are counted on these)."""
    text = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"(?<=\n) +\n", "\n", text.expandtabs(4) + "\n\n")
    return text.split("\n")


def scan(text: str, *, path, report, offset: int = 0, references: dict | None = None) -> Scan:
    """Read a lesson body (which starts after line `offset` of `path`); problems go to `report`."""
    state = DocState(path=path, report=report)
    if not text.strip():  # the renderer reads nothing in a blank body either
        return Scan(state)
    lines = normalized_lines(text)
    LinePreprocessor(None, state, offset).run(lines)  # block structure, raw HTML, options that are not YAML
    titles: dict[int, str] = {}  # line -> title of each block read (a heading of the page)
    fence, index = None, 0
    while index < len(lines):
        line, number = lines[index], index + 1 + offset
        index += 1
        if fence:
            if line.strip().startswith(fence):
                fence = None
            continue
        if m := FENCE.match(line):
            fence = m.group(1)
            continue
        m = HEADER.match(line)
        if not m or m.group(2).lower() not in schema.BLOCKS:
            continue
        name, length = m.group(2).lower(), len(m.group(1))
        options = []
        while index < len(lines) and OPTION_LINE.match(lines[index]):
            options.append(lines[index])
            index += 1
        opts = _block(name, number, m.group(3), options, state)
        if opts is None:
            continue
        if m.group(3):
            titles[number] = m.group(3)
        if name == "quiz":
            start = index
            while index < len(lines) and not ((c := CLOSER.match(lines[index])) and len(c.group(1)) == length):
                index += 1
            if index < len(lines):  # a quiz is read when it is closed
                _quiz("\n".join(lines[start:index]), start + offset, number, state)
    return Scan(state, _anchors(lines, offset, titles, references or {}))


def _block(name: str, line: int, title, option_lines: list[str], state: DocState) -> dict | None:
    """Check a block's options against its schema and record the block; None when PyMdown would not read it
    as a block (options that are not a YAML mapping: reported by the pre-scan)."""
    try:
        options = yaml.load(textwrap.dedent("\n".join(option_lines)), Loader=SAFE_LOADER) \
            if "".join(option_lines).strip() else {}
    except yaml.YAMLError:
        return None
    if options is None:
        options = {}
    if not isinstance(options, dict):
        return None
    report, path = state.report, state.path
    spec = schema.BLOCKS[name]
    checked = spec.validate(_positioned(options, line, state.option_lines.get(line, {})), report, path,
                            f"'{name}' block options", (line, 1))
    opts = checked or {f.name: f.default for f in spec.fields.values()}
    state.blocks.append(BlockRecord(name, line, title or "", opts, None))
    if opts.get("checks"):
        state.add_checks(opts["checks"], line)
    if name == "callout" and (kind := opts.get("type") or "note") not in schema.CALLOUT_TYPES:
        report.error(path, line + 1, 5, f"callout type must be one of {', '.join(schema.CALLOUT_TYPES)}; "
                     f"found '{kind}'{did_you_mean(kind, schema.CALLOUT_TYPES)}", "wrong-type")
    return opts


def _quiz(text: str, offset: int, line: int, state: DocState) -> None:
    """Check a quiz's questions (its YAML `text` starts after line `offset`) and record what they check."""
    report, path = state.report, state.path
    try:
        data = load_yaml(text, offset=offset)
    except YAMLProblem as exc:
        report.error(path, exc.line, exc.col, f"quiz: {exc.message}", "yaml-syntax")
        return
    questions = schema.check_type(data, schema.ListOf(schema.QUESTION), report, path, "quiz", (line + 1, 1)) or []
    for i, q in enumerate(questions):
        if not q:
            continue
        qline = data.line_of(i)[0]
        choices = [c for c in (q.get("choices") or []) if c]
        if choices and not any(c.get("correct") for c in choices):
            report.error(path, qline, 1, f"quiz question {i + 1} has no correct answer "
                         "(mark one choice with 'correct: true')", "no-correct-answer")
        if len(choices) < 2:
            report.error(path, qline, 1, f"quiz question {i + 1} needs at least two choices", "too-few-choices")
        state.questions.append((qline, q))
        state.add_checks(q.get("checks"), qline)


def _anchors(lines: list[str], offset: int, titles: dict[int, str], references: dict) -> set:
    """The ids Python-Markdown's toc gives the headings of the page and the titles of its blocks."""
    used: set = set()
    names = []
    quiz, chunk_start, fence = None, True, None
    for index, line in enumerate(lines):
        number = index + 1 + offset
        if fence:
            if line.strip().startswith(fence):
                fence = None
            continue
        if quiz is not None:  # a quiz's text is YAML, not Markdown
            if (m := CLOSER.match(line)) and len(m.group(1)) == quiz:
                quiz, chunk_start = None, True
            continue
        if m := FENCE.match(line):
            fence = m.group(1)
            continue
        if not line.strip():
            chunk_start = True
            continue
        if CLOSER.match(line):
            chunk_start = True
            continue
        if m := HEADER.match(line):
            if number in titles:
                names.append(titles[number])
            if m.group(2).lower() == "quiz":
                quiz = len(m.group(1))
            chunk_start = True
            continue
        if OPTION_LINE.match(line):
            continue
        if m := ATX.match(line):
            names.append(m.group(2).strip())
        elif chunk_start and index + 1 < len(lines) and SETEXT.match(lines[index + 1]):
            names.append(line.strip())
        chunk_start = False
    for name in names:
        used.add(unique(slugify_unicode(html.unescape(_plain(name, references)), "-"), used))
    used.discard("")
    return used


def _plain(text: str, references: dict) -> str:
    """A heading's text as the reader sees it: its inline Markdown taken out, citations as (author, year)."""
    spans = []

    def keep(m):  # code spans are shown as written
        spans.append(m.group(0).strip("`").strip())
        return f"\0{len(spans) - 1}\0"
    text = CODE_SPAN.sub(keep, text)
    text = CITATION.sub(lambda m: "(" + "; ".join(
        f"{ref.author}, {ref.year}" if (ref := references.get(i.strip().lstrip("@"))) else f"?{i.strip().lstrip('@')}"
        for i in m.group(1).split(";")) + ")", text)
    text = LINK_TEXT.sub(lambda m: "" if m.group(1) else m.group(2), text)
    text = UNDERSCORES.sub(lambda m: m.group(2), ESCAPE.sub(lambda m: m.group(1), text))
    text = DASHES.sub("\u2013", text)
    return re.sub(r"\0(\d+)\0", lambda m: spans[int(m.group(1))], text)
