"""Lesson Markdown to HTML: PyMdown blocks for activities and notes, citations, links and acronyms.

One Markdown instance parses one document for one medium ("web" or "print"); each showing of it (the trainee
page, the facilitator page, the module's single file) places a copy of the parsed tree for its audience
("trainee" or "facilitator") and its page (see `convert`). Trainer material is dropped from the tree for
trainees, never hidden.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import gettext
import json
import re
import xml.etree.ElementTree as etree
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

import markdown
from markupsafe import Markup
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString
from pymdownx.blocks import BlocksExtension
from pymdownx.blocks.block import Block

from . import hooks, schema, store
from .hooks import CacheHook
from .problems import did_you_mean
from .yamlload import Map, YAMLProblem, load as load_yaml

HEADER = re.compile(r"^[ ]{0,3}(/{3,})[ ]*([\w-]+)[ ]*(?:\|[ ]*(.*?)[ ]*)?$")
CLOSER = re.compile(r"^[ ]{0,3}(/{3,})[ ]*$")
FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
RAW_HTML = re.compile(r"<(?!https?://|mailto:)(/?[A-Za-z][A-Za-z0-9-]*|!--)(\s[^<>]*)?/?>")
CODE_SPAN = re.compile(r"`+[^`]*`+")
CITATION = re.compile(r"\[@([\w.-]+(?:\s*;\s*@[\w.-]+)*)\]")


@dataclass
class Labels:
    """Interface words used inside lessons; the languages stage fills them per language."""

    activity: str = "Activity"
    discussion: str = "Discussion"
    case_study: str = "Case study"
    composite: str = "Illustrative composite"
    composite_note: str = ("This story is not about a real person. It is built from documented patterns "
                           "so that we can discuss them.")
    based_on: str = "Based on"
    facilitator_note: str = "Facilitator note"
    key_points: str = "Key points"
    worksheet: str = "Worksheet"
    quiz: str = "Quiz"
    time: str = "Time"
    group: str = "Group"
    materials: str = "Materials"
    minutes: tuple = ("{n} minute", "{n} minutes")  # plural forms, in the catalog's order
    plural: str = "(n != 1)"  # the catalog's rule: which of the forms a number takes (a C expression of n)
    answer: str = "Answer"
    check_answer: str = "Check"
    note: str = "Note"
    tip: str = "Tip"
    warning: str = "Warning"
    important: str = "Important"
    write_here: str = "Write your answers on the printed worksheet or in your notebook."

    def count(self, forms: tuple, n: int, shown: str | None = None) -> str:
        """The plural form of `forms` that `n` takes in this language, with n filled in (as `shown`, when the
        number is written in the language's own digits)."""
        index = int(gettext.c2py(self.plural)(n))
        return forms[min(index, len(forms) - 1)].format(n=n if shown is None else shown)


@dataclass
class RenderContext:
    """What rendering needs to know about the rest of the course."""

    references: dict  # id -> Reference
    glossary: dict  # term -> GlossaryEntry
    link: Callable[[str], str | None] = lambda href: href  # lesson-relative href -> URL
    image: Callable[[str], str | None] = lambda src: src
    glossary_url: Callable[[str], str] = lambda term: "#"
    reference_url: Callable[[str], str] = lambda ref_id: "#"
    labels: Labels = field(default_factory=Labels)
    lang: str = "en"
    digits: Callable[[object], str] = str  # a number as the text shows it: the language's own digits in print


@store.register
@dataclass
class BlockRecord:
    type: str
    line: int
    title: str
    options: dict
    parent: str | None


@store.register
@dataclass
class DocState:
    """What one render learned about the document: blocks, checked objectives, problems."""

    path: object
    report: object
    blocks: list = field(default_factory=list)
    checks: dict = field(default_factory=dict)  # objective number -> first line that checks it
    questions: list = field(default_factory=list)  # (line, question dict)
    option_lines: dict = field(default_factory=dict)  # header line -> {option: line}

    def add_checks(self, numbers, line):
        for n in numbers or []:
            self.checks.setdefault(n, line)


def source_lines(text: str, first_line: int = 1):
    """Yield (line number, line) outside fenced code, with code spans blanked."""
    fence = None
    for i, line in enumerate(text.split("\n")):
        if fence:
            if line.strip().startswith(fence):
                fence = None
            continue
        if m := FENCE.match(line):
            fence = m.group(1)
            continue
        yield i + first_line, CODE_SPAN.sub(lambda s: " " * len(s.group(0)), line)


# --- Source pre-scan: line numbers, unknown blocks, nesting, raw HTML ----------------------------

class LinePreprocessor(Preprocessor):
    """Tag each block header with its source line and report structural problems."""

    def __init__(self, md, state: DocState, offset: int):
        super().__init__(md)
        self.state, self.offset = state, offset

    def run(self, lines):
        out, stack, fence = [], [], None
        report, path = self.state.report, self.state.path
        for index, line in enumerate(lines):
            number = index + 1 + self.offset
            out.append(line)
            if fence:
                if line.strip().startswith(fence):
                    fence = None
                continue
            if m := FENCE.match(line):
                fence = m.group(1)
                continue
            if m := CLOSER.match(line):
                length = len(m.group(1))
                if stack and stack[-1][1] == length:
                    stack.pop()
                elif any(s[1] == length for s in stack):
                    while stack and stack[-1][1] != length:
                        name, _, start = stack.pop()
                        report.error(path, start, 1, f"block '{name}' is not closed before its parent ends",
                                     "unclosed-block")
                    stack.pop()
                else:
                    report.error(path, number, 1, f"closing '{m.group(1)}' matches no open block",
                                 "unmatched-close")
                continue
            if m := HEADER.match(line):
                name, length = m.group(2).lower(), len(m.group(1))
                if name not in schema.BLOCKS:
                    report.error(path, number, len(m.group(0)) - len(m.group(0).lstrip()) + length + 2,
                                 f"unknown block type '{name}'{did_you_mean(name, schema.BLOCKS)}"
                                 f" (known: {', '.join(sorted(schema.BLOCKS))})", "unknown-block")
                    stack.append((name, length, number))
                    continue
                parent = stack[-1][0] if stack else None
                if stack and length <= stack[-1][1] and length == stack[-1][1]:
                    report.error(path, number, 1, f"block '{name}' inside '{parent}' needs "
                                 f"{stack[-1][1] + 1} slashes, not {length}", "nesting")
                if parent in schema.NESTING and name not in schema.NESTING[parent]:
                    allowed = ", ".join(sorted(schema.NESTING[parent])) or "no blocks"
                    report.error(path, number, 1, f"a '{name}' block cannot go inside '{parent}' "
                                 f"(allowed there: {allowed})", "nesting")
                stack.append((name, length, number))
                out.append(f"    _line: {number}")
                keys, option_text = {}, []
                for later, text in enumerate(lines[index + 1:], number + 1):
                    if not text.startswith("    ") or not text.strip():
                        break
                    option_text.append(text[4:])
                    if km := re.match(r"^ {4}([\w-]+)\s*:", text):
                        keys.setdefault(km.group(1), later)
                self.state.option_lines[number] = keys
                # Options that are not YAML make PyMdown drop the block silently (its text shown as prose).
                try:
                    load_yaml("\n".join(option_text), offset=number)
                except YAMLProblem as exc:
                    report.error(path, exc.line, exc.col + 4, f"'{name}' block options: {exc.message}",
                                 "yaml-syntax")
                continue
            scan = CODE_SPAN.sub(lambda s: " " * len(s.group(0)), line)
            if h := RAW_HTML.search(scan):
                report.error(path, number, h.start() + 1,
                             f"raw HTML '{h.group(0)[:30]}' is not allowed in lessons; use Markdown or a block",
                             "raw-html")
        for name, _, start in stack:
            report.error(path, start, 1, f"block '{name}' is never closed (add a line of slashes)",
                         "unclosed-block")
        return out


# --- Blocks -----------------------------------------------------------------------------------

def _el(tag, parent=None, text=None, **attrs):
    el = etree.SubElement(parent, tag) if parent is not None else etree.Element(tag)
    for k, v in attrs.items():
        el.set(k.rstrip("_").replace("_", "-"), v)
    if text is not None:
        el.text = text
    return el


class CourseBlock(Block):
    """Common behaviour: options are validated against the schema with their source line."""

    ARGUMENT = None
    TYPE = ""

    def on_init(self):
        self.ext = self.config["ext"]

    def _validate(self, parent, arg, **options):  # accept everything; report problems ourselves
        self.argument = arg
        line = options.pop("_line", None)
        self.line = line if isinstance(line, int) else 0
        state = self.ext.state
        checked = schema.BLOCKS[self.TYPE].validate(
            _positioned(options, self.line, state.option_lines.get(self.line, {})), state.report, state.path, f"'{self.TYPE}' block options",
            (self.line, 1))
        self.opts = checked or {f.name: f.default for f in schema.BLOCKS[self.TYPE].fields.values()}
        self.options = {"attrs": {}}
        record = BlockRecord(self.TYPE, self.line, arg or "", self.opts, None)
        state.blocks.append(record)
        if self.opts.get("checks"):
            state.add_checks(self.opts["checks"], self.line)
        return self.on_validate(parent)

    @property
    def labels(self) -> Labels:
        return self.ext.ctx.labels

    def minutes(self) -> str:
        """The block's `minutes` option as the reader sees it ("25 minutes"), or ""."""
        minutes = self.opts.get("minutes")
        return self.labels.count(self.labels.minutes, minutes, self.ext.ctx.digits(minutes)) if minutes else ""

    def header(self, el, label, title_tag="h3"):
        head = _el("header", el, class_="block-head")
        _el("p", head, label, class_="block-label")
        if self.argument:
            _el(title_tag, head, self.argument, class_="block-title")
        return head

    def meta(self, head, items):
        """The block's facts: (label, value) items, or (label, value, True) for a value written in English."""
        items = [item for item in items if item[1]]
        if items:
            dl = _el("dl", head, class_="block-meta")
            for k, v, *english in items:
                _el("dt", dl, k)
                dd = _el("dd", dl, v)
                if english and self.english_options:
                    dd.set("lang", "en")

    @property
    def english_options(self) -> bool:
        """Block options (group, materials, basis) come from the English source: English text in a translation,
        marked as such in print (issue 13; the sites leave them unmarked for now)."""
        return self.ext.medium == "print" and bool(self.ext.ctx.lang) and self.ext.ctx.lang != "en"

    def body(self, el):
        return _el("div", el, class_="block-body")

    def on_add(self, block):
        return block.find("./div[@class='block-body']")


def _positioned(options, line, key_lines):
    m = Map(options)
    m.pos = (line, 1)
    for k in options:
        m.key_pos[k] = (key_lines.get(k, line + 1), 5)
    return m


class ActivityBlock(CourseBlock):
    NAME = TYPE = "activity"

    def on_create(self, parent):
        el = _el("section", parent, class_="block activity")
        head = self.header(el, self.labels.activity)
        o = self.opts
        self.meta(head, [(self.labels.time, self.minutes()),
                         (self.labels.group, o.get("group") or "", True),
                         (self.labels.materials, "; ".join(o.get("materials") or []), True)])
        self.body(el)
        return el


class DiscussionBlock(ActivityBlock):
    NAME = TYPE = "discussion"

    def on_create(self, parent):
        el = _el("section", parent, class_="block discussion")
        head = self.header(el, self.labels.discussion)
        o = self.opts
        self.meta(head, [(self.labels.time, self.minutes()),
                         (self.labels.group, o.get("group") or "", True)])
        self.body(el)
        return el


class CaseStudyBlock(CourseBlock):
    NAME = TYPE = "case-study"

    def on_create(self, parent):
        el = _el("section", parent, class_="block case-study")
        self.header(el, f"{self.labels.case_study} · {self.labels.composite}")
        body = self.body(el)
        _el("p", body, self.labels.composite_note, class_="composite-note")
        if self.opts.get("basis"):
            p = _el("p", body, class_="basis")
            label = _el("strong", p, f"{self.labels.based_on}:")
            if self.english_options:
                label.tail = " "
                _el("span", p, self.opts["basis"], lang="en")
            else:
                label.tail = " " + self.opts["basis"]
        return el


class FacilitatorNoteBlock(CourseBlock):
    NAME = TYPE = "facilitator-note"

    def on_create(self, parent):
        el = _el("aside", parent, class_="block facilitator-note")
        self.header(el, self.labels.facilitator_note, "h4")
        self.body(el)
        return el


class KeyPointsBlock(CourseBlock):
    NAME = TYPE = "key-points"

    def on_create(self, parent):
        el = _el("section", parent, class_="block key-points")
        self.header(el, self.labels.key_points)
        self.body(el)
        return el


class CalloutBlock(CourseBlock):
    NAME = TYPE = "callout"

    def on_create(self, parent):
        kind = self.opts.get("type") or "note"
        if kind not in schema.CALLOUT_TYPES:
            self.ext.state.report.error(self.ext.state.path, self.line + 1, 5,
                                        f"callout type must be one of {', '.join(schema.CALLOUT_TYPES)}; "
                                        f"found '{kind}'{did_you_mean(kind, schema.CALLOUT_TYPES)}", "wrong-type")
            kind = "note"
        el = _el("aside", parent, class_=f"block callout callout-{kind}")
        self.header(el, getattr(self.labels, kind), "h4")
        self.body(el)
        return el


class WorksheetBlock(CourseBlock):
    NAME = TYPE = "worksheet"

    def on_create(self, parent):
        el = _el("section", parent, class_="block worksheet")
        self.header(el, self.labels.worksheet)
        self.body(el)
        return el

    def on_end(self, block):
        body = self.on_add(block)
        lines = max(1, min(int(self.opts.get("lines") or 4), 30))
        prompts = [li for ol in body.findall("ol") for li in ol.findall("li")]
        for target in prompts or [body]:
            space = _el("div", target, class_=f"write-space lines-{lines}", aria_hidden="true")
            for _ in range(lines):
                _el("span", space, class_="write-line")
        _el("p", body, self.labels.write_here, class_="screen-only write-hint")


class QuizBlock(CourseBlock):
    NAME = TYPE = "quiz"

    def on_markdown(self):
        return "raw"

    def on_create(self, parent):
        el = _el("section", parent, class_="block quiz")
        self.header(el, self.labels.quiz)
        self.body(el)
        return el

    def on_end(self, block):
        body = self.on_add(block)
        text = body.text or ""
        body.text = None
        state = self.ext.state
        try:
            data = load_yaml(text, offset=self.line)
        except YAMLProblem as exc:
            state.report.error(state.path, exc.line, exc.col, f"quiz: {exc.message}", "yaml-syntax")
            return
        questions = schema.check_type(data, schema.ListOf(schema.QUESTION), state.report, state.path, "quiz",
                                      (self.line + 1, 1)) or []
        ext = self.ext
        ol = _el("ol", body, class_="quiz-questions")
        answers = []
        for i, q in enumerate(questions):
            if not q:
                continue
            qline = data.line_of(i)[0] if hasattr(data, "line_of") else self.line
            choices = [c for c in (q.get("choices") or []) if c]
            if choices and not any(c.get("correct") for c in choices):
                state.report.error(state.path, qline, 1, f"quiz question {i + 1} has no correct answer "
                                   "(mark one choice with 'correct: true')", "no-correct-answer")
            if len(choices) < 2:
                state.report.error(state.path, qline, 1, f"quiz question {i + 1} needs at least two choices",
                                   "too-few-choices")
            state.questions.append((qline, q))
            state.add_checks(q.get("checks"), qline)
            li = _el("li", ol, class_="quiz-question")
            _el("p", li, q["question"], class_="quiz-prompt")
            cl = _el("ol", li, class_="quiz-choices", type="A")
            for c in choices:
                item = _el("li", cl, c["text"], class_="quiz-choice")
                # The answer marks are for facilitators, the answers script for the trainee's page: both are
                # made here, and AudienceTreeprocessor keeps the one its audience reads.
                if c.get("correct"):
                    item.set("class", "quiz-choice correct")
                    _el("strong", item, f" ✓ {self.labels.answer}", class_="answer-mark")
                if c.get("feedback"):
                    _el("span", item, c["feedback"], class_="quiz-feedback")
            answers.append([{"correct": bool(c.get("correct")), "feedback": c.get("feedback") or ""}
                            for c in choices])
        if ext.medium == "web":
            script = _el("script", body, type="application/json", class_="quiz-data")
            script.text = AtomicString(json.dumps(answers, ensure_ascii=False).replace("</", "<\\/"))


BLOCK_CLASSES = [ActivityBlock, DiscussionBlock, CaseStudyBlock, FacilitatorNoteBlock, KeyPointsBlock,
                 CalloutBlock, WorksheetBlock, QuizBlock]


# --- Inline: citations ------------------------------------------------------------------------

class CitationProcessor(InlineProcessor):
    def __init__(self, pattern, ext):
        super().__init__(pattern)
        self.ext = ext

    def handleMatch(self, m, data):
        span = etree.Element("span", {"class": "cite"})
        if self.ext.medium == "print" and self.ext.ctx.lang and self.ext.ctx.lang != "en":
            span.set("lang", "en")  # author and year come from references.yaml, in English
        span.text = "("
        ids = [x.strip().lstrip("@") for x in m.group(1).split(";")]
        last = None
        for n, ref_id in enumerate(ids):
            ref = self.ext.ctx.references.get(ref_id)
            if n and last is not None:
                last.tail = "; "
            if ref is None:
                last = _el("span", span, f"?{ref_id}", class_="cite-missing")
                continue
            # The page the reference list is on depends on where the text is shown: LinkTreeprocessor sets href.
            last = _el("a", span, AtomicString(f"{ref.author}, {ref.year}"), href="", class_="cite-link")
            last.set("data-ref", ref_id)
        if last is not None:
            last.tail = (last.tail or "") + ")"
        return span, m.start(0), m.end(0)


# --- Tree: drop trainer material, resolve links and images, mark acronyms ------------------------

class AudienceTreeprocessor(Treeprocessor):
    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        trainee = self.ext.audience == "trainee"
        for parent in list(root.iter()):
            for child in list(parent):
                classes = (child.get("class") or "").split()
                if trainee and ("facilitator-note" in classes or (
                        "quiz-choice" in (parent.get("class") or "").split()
                        and ("answer-mark" in classes or "quiz-feedback" in classes))):
                    parent.remove(child)
                elif not trainee and child.tag == "script" and "quiz-data" in classes:
                    parent.remove(child)
                elif trainee and "correct" in classes and "quiz-choice" in classes:
                    child.set("class", "quiz-choice")


class LinkTreeprocessor(Treeprocessor):
    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        for a in root.iter("a"):
            if "data-ref" in a.attrib:  # a citation (CitationProcessor)
                a.set("href", self.ext.ctx.reference_url(a.attrib.pop("data-ref")))
                continue
            href = a.get("href")
            if href and not a.get("class"):
                new = self.ext.ctx.link(href)
                if new is None:
                    a.attrib.pop("href", None)
                else:
                    a.set("href", new)
        for img in root.iter("img"):
            src = img.get("src")
            if src:
                img.set("src", self.ext.ctx.image(src) or "")
            img.set("loading", "lazy")


SKIP_TAGS = {"a", "code", "pre", "abbr", "script", "h1", "h2", "h3", "h4", "h5", "h6", "style"}


class AcronymTreeprocessor(Treeprocessor):
    """Link each glossary term to its entry on its first use in each section, and spell it out the first time
    it is used in the text."""

    def __init__(self, md, ext):
        super().__init__(md)
        self.ext = ext

    def run(self, root):
        pattern = self.ext.term_pattern
        if pattern is None:
            return
        self.seen: set = set()  # terms spelled out: once per text
        self.linked: set = set()  # terms linked: once per section
        self._walk(root, pattern, skip=False)

    def _walk(self, el, pattern, skip):
        if el.tag == "h2" or "block" in (el.get("class") or "").split():
            # A term is linked on its first use in each section and each activity, quiz or case study, not
            # on every use: a lesson linked ASEAN eighty times, which is noise to read and to tab through,
            # and weight on a phone.
            self.linked = set()
        skip = skip or el.tag in SKIP_TAGS
        if not skip:
            el.text = self._mark(el, None, el.text, pattern)
        for child in list(el):
            self._walk(child, pattern, skip)
            if not skip:
                child.tail = self._mark(el, child, child.tail, pattern)

    def typographic(self, text: str) -> str:
        """`text` with Smarty's quotes and dashes, as the tree's text has them (Smarty runs before this step)."""
        return _smartened(self.md, text).text

    def _mark(self, parent, after, text, pattern):
        """Replace terms in `text`; new elements go after `after` (or at the start of `parent`). Returns the
        text that comes before the first new element."""
        if not text or not pattern.search(text):
            return text
        glossary = self.ext.ctx.glossary
        index = 0 if after is None else list(parent).index(after) + 1
        lead, previous, buffer, pos = None, None, [], 0
        for m in pattern.finditer(text):
            buffer.append(text[pos:m.start()])
            pos = m.end()
            term, whole = m.group(1), m.group(0)
            spell_out = term not in self.seen and self.ext.expand_terms
            if term in self.linked and not spell_out:
                buffer.append(whole)
                continue
            self.linked.add(term)
            link = etree.Element("a", {"href": self.ext.ctx.glossary_url(term), "class": "term"})
            link.text = AtomicString(whole)
            element, expansion = link, ""
            # The title once per text, and none in short texts (objectives, key points): repeating long
            # expansions made lesson pages heavy, and the link leads to the full entry anyway.
            if spell_out:
                self.seen.add(term)
                entry = glossary[term]
                element = etree.Element("abbr", {"title": entry.expansion or entry.definition})
                element.append(link)
                if entry.expansion and entry.expansion.lower() not in self.ext.plain_text_lower:
                    expansion = self.typographic(f" ({entry.expansion})")
            if previous is None:
                lead = "".join(buffer)
            else:
                previous.tail = "".join(buffer)
            buffer = [expansion]
            parent.insert(index, element)
            index += 1
            previous = element
        buffer.append(text[pos:])
        if previous is None:
            return "".join(buffer)
        previous.tail = "".join(buffer)
        return lead


# --- The extension ----------------------------------------------------------------------------

class CourseExtension(Extension):
    def __init__(self, *, state, ctx, audience, medium, offset, source, expand_terms=True):
        super().__init__()
        self.state, self.ctx, self.audience, self.medium, self.offset = state, ctx, audience, medium, offset
        self.plain_text_lower = source.lower()
        self.term_pattern = term_pattern(ctx.glossary)
        self.expand_terms = expand_terms

    def start(self, md, *, state, ctx, offset, source):
        """Ready a pooled Markdown instance (`_snippet_markdown`) and this extension for the next text."""
        md.reset()
        self.state, self.ctx, self.offset = state, ctx, offset
        self.plain_text_lower = source.lower()
        lines = md.preprocessors["course_lines"]
        lines.state, lines.offset = state, offset

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.preprocessors.register(LinePreprocessor(md, self.state, self.offset), "course_lines", 25)
        md.inlinePatterns.register(CitationProcessor(CITATION.pattern, self), "citation", 175)
        md.treeprocessors.register(AudienceTreeprocessor(md, self), "audience", 30)
        md.treeprocessors.register(LinkTreeprocessor(md, self), "course_links", 15)
        md.treeprocessors.register(AcronymTreeprocessor(md, self), "acronyms", 14)


class CourseBlocks(BlocksExtension):
    """Registers the course's block types with PyMdown's generic Blocks machinery."""

    def __init__(self, course_ext):
        super().__init__()
        self.course_ext = course_ext

    def extendMarkdownBlocks(self, md, block_mgr):
        for cls in BLOCK_CLASSES:
            block_mgr.register(cls, {"ext": self.course_ext})


_TERM_PATTERNS: dict[int, tuple] = {}  # id(glossary) -> (glossary, its pattern): built once per glossary


def term_pattern(glossary) -> re.Pattern | None:
    known = _TERM_PATTERNS.get(id(glossary))
    if known is not None and known[0] is glossary:
        return known[1]
    terms = sorted(glossary, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?:s)?(?!\w)") if terms else None
    if isinstance(glossary, dict):  # a dict keeps its identity while kept here (the course's glossaries)
        _TERM_PATTERNS[id(glossary)] = (glossary, pattern)
        while len(_TERM_PATTERNS) > 64:
            del _TERM_PATTERNS[next(iter(_TERM_PATTERNS))]
    return pattern


@dataclass
class Rendered:
    html: str
    toc: list
    state: DocState


# --- The cache hook ----------------------------------------------------------------------------------
# Every stage (validate, the sites, the PDFs, the translations) renders through `render`. A build makes
# those renders reusable by installing a cache for its duration (cache.session does it):
#
#     with markup.caching(memo):   # memo.render(convert, text, **arguments) -> Rendered
#         ...                      # every markup.render call in this context goes through memo
#
# The cache receives `convert`, the real renderer, and the full arguments; it returns what `convert`
# would. Nothing is reassigned: a reference to `render` taken before the build is routed the same way,
# and a cache installed in one thread (or asyncio task) is not seen by another.
_CACHE = CacheHook("courseware.markup.cache")


def caching(cache):
    """Route every `render` call in the current context through `cache` until the block ends."""
    return _CACHE.installed(cache)


def render(text: str, *, path, report, ctx: RenderContext, audience: str = "trainee", medium: str = "web",
           offset: int = 0, expand_terms: bool = True, cache=None) -> Rendered:
    """Render one Markdown document; problems go to `report` with lines counted from `offset`.

    `cache`: an object with a `render(convert, text, **arguments)` method that returns a Rendered, to use
    for this call; by default the cache installed with `caching()`, if any (otherwise none)."""
    cache = cache if cache is not None else _CACHE.get()
    arguments = dict(path=path, report=report, ctx=ctx, audience=audience, medium=medium, offset=offset,
                     expand_terms=expand_terms)
    if cache is None:
        return convert(text, **arguments)
    return cache.render(convert, text, **arguments)


def convert(text: str, *, path, report, ctx: RenderContext, audience: str, medium: str, offset: int,
            expand_terms: bool) -> Rendered:
    """The renderer itself, never cached between builds: what `render` does without a cache.

    A document is shown several times in a build (the trainee page, the facilitator page, the module's single
    file; the handout and the guide in print), and most of the work does not depend on where: parsing,
    inline Markdown and typography (PARSE_STEPS) depend only on the text, the language and the medium. That
    part is done once and kept (`_parse`); each showing then places a copy for its audience and page
    (PLACE_STEPS: trainer material dropped, links and glossary terms resolved, the contents listed)."""
    if not text.strip():
        return Rendered("", [], DocState(path=path, report=report))
    parse = _parse(text, path=path, report=report, ctx=ctx, medium=medium, offset=offset, expand_terms=expand_terms)
    return _place(parse, path=path, report=report, ctx=ctx, audience=audience)


# Python-Markdown's tree steps (treeprocessors) by name: those that depend only on the parse, in the order they
# run, and those that depend on the audience and the page, in theirs. Smarty's typography runs before the
# glossary terms are marked: an expansion it would have made typographic is made so by `typographic`.
PARSE_STEPS = ("inline", "blocks_on_inline_end", "smarty")
PLACE_STEPS = ("audience", "course_links", "acronyms", "prettify", "toc", "unescape")
PARSES_KEPT = 128  # documents (not inline snippets) whose parse is kept for their next showing


@dataclass
class _Parse:
    md: markdown.Markdown
    ext: "CourseExtension"
    root: etree.Element
    state: DocState
    problems: list  # what parsing reported, reported again to each later showing
    calls: list  # what parsing asked of its context's callbacks (a number's digits), with the answers
    inputs: tuple  # the references and the glossary it was parsed with (their identity is in the key)


_PARSES: OrderedDict = OrderedDict()


def _parse(text: str, *, path, report, ctx: RenderContext, medium: str, offset: int, expand_terms: bool) -> _Parse:
    key = (text, str(path), offset, medium, expand_terms, ctx.lang, repr(ctx.labels), id(ctx.references),
           id(ctx.glossary))
    kept = _PARSES.get(key)
    if kept is not None and kept.inputs[0] is ctx.references and kept.inputs[1] is ctx.glossary \
            and hooks.same_answers(ctx, kept.calls):
        _PARSES.move_to_end(key)
        for method, args, kwargs in kept.problems:
            getattr(report, method)(*args, **kwargs)
        return kept
    calls: list = []
    recorder = hooks.RecordingReport(report)
    state = DocState(path=path, report=recorder)
    arguments = dict(state=state, ctx=hooks.traced(ctx, calls), offset=offset, source=text)
    snippet = str(path) == "<inline>"
    if snippet:  # placed at once, never kept: one Markdown instance serves every snippet of this kind
        md, ext = _snippet_markdown(key[3:], ctx)
        ext.start(md, **arguments)
    else:
        ext = CourseExtension(audience=None, medium=medium, expand_terms=expand_terms, **arguments)
        md = _markdown(ext)
    # Markdown.convert, up to the tree steps that depend on the page.
    md.lines = text.split("\n")
    for preprocessor in md.preprocessors:
        md.lines = preprocessor.run(md.lines)
    root = md.parser.parseDocument(md.lines).getroot()
    for name in PARSE_STEPS:
        root = _step(md.treeprocessors[name], root)
    parse = _Parse(md, ext, root, state, recorder.problems, calls, (ctx.references, ctx.glossary))
    if not snippet:
        _PARSES[key] = parse
        while len(_PARSES) > PARSES_KEPT:
            _PARSES.popitem(last=False)
    return parse


# What each inline pattern needs in a text to match at all (a regular expression), by its name in Python-Markdown's
# registries: the characters its own regular expression requires (markdown/inlinepatterns.py, smarty.py, and
# CITATION here). A pattern not listed stops the build at once (_markdown), so that a new one cannot be skipped.
INLINE_NEEDS = {
    "backtick": "`", "escape": r"\\", "citation": r"\[", "reference": r"\[", "link": r"\[", "image_link": r"\[",
    "image_reference": r"\[", "short_reference": r"\[", "short_image_ref": r"\[", "autolink": "<",
    "automail": "<", "html": "<", "linebreak": r"  \n", "entity": "&", "em_strong": r"[*_]",
    "smarty-quotes": "['\"]", "smarty-em-dashes": "--", "smarty-en-dashes": "--", "smarty-ellipses": r"\.\.\.",
    "smarty-left-angle-quotes": "<<", "smarty-right-angle-quotes": ">>",
}


class QuickInlineProcessor(markdown.treeprocessors.InlineProcessor):
    """Python-Markdown's inline step (and smarty's, with its own patterns), skipping a text that none of its
    patterns can match. The step tries every pattern on every text of the page, one Python call each: with
    smarty's nineteen patterns that was a sixth of the HTML stage. A text without any character a pattern needs
    (INLINE_NEEDS) is returned as it is, which is what trying every pattern would have returned."""

    def __init__(self, md: markdown.Markdown, patterns):
        super().__init__(md)
        self.inlinePatterns = patterns
        needs = set()
        for name in (item.name for item in patterns._priority):
            need = INLINE_NEEDS.get(name) or INLINE_NEEDS.get(re.sub(r"-\d+$", "", name))
            if need is None:
                raise RuntimeError(f"markup.INLINE_NEEDS does not say what the inline pattern {name!r} needs")
            needs.add(need)
        self.needed = re.compile("|".join(sorted(needs)))

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if not self.needed.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)


def quicken(md: markdown.Markdown) -> None:
    """Put QuickInlineProcessors in the places of Python-Markdown's inline step and smarty's."""
    md.treeprocessors.register(QuickInlineProcessor(md, md.inlinePatterns), "inline", 20)
    if "smarty" in md.treeprocessors:
        md.treeprocessors.register(QuickInlineProcessor(md, md.treeprocessors["smarty"].inlinePatterns), "smarty", 6)


def _markdown(ext: CourseExtension) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=[ext, CourseBlocks(ext), "tables", "sane_lists", "smarty", "toc"],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-3"}},
        output_format="html",
    )
    quicken(md)
    steps = [name for name in PARSE_STEPS + PLACE_STEPS if name in md.treeprocessors]
    if len(steps) != len(md.treeprocessors) or len(steps) != len(PARSE_STEPS + PLACE_STEPS):
        raise RuntimeError("Python-Markdown's tree steps are not the ones markup.PARSE_STEPS and PLACE_STEPS name")
    return md


_SNIPPETS: dict = {}  # (medium, expand_terms, language, labels, ids of references and glossary) -> (md, ext, inputs)


def _snippet_markdown(kind: tuple, ctx: RenderContext) -> tuple:
    """The Markdown instance that renders inline snippets of one kind, made on first use."""
    pooled = _SNIPPETS.get(kind)
    if pooled is None or pooled[2][0] is not ctx.references or pooled[2][1] is not ctx.glossary:
        medium, expand_terms = kind[0], kind[1]
        ext = CourseExtension(state=None, ctx=ctx, audience=None, medium=medium, offset=0, source="",
                              expand_terms=expand_terms)
        pooled = _SNIPPETS[kind] = (_markdown(ext), ext, (ctx.references, ctx.glossary))
        while len(_SNIPPETS) > 32:
            del _SNIPPETS[next(iter(_SNIPPETS))]
    return pooled[0], pooled[1]


def _step(treeprocessor, root):
    new = treeprocessor.run(root)
    return root if new is None else new


def _copy_tree(element: etree.Element) -> etree.Element:
    """A copy of a parsed tree for one showing, to change freely. Its texts and attribute values are strings,
    which need no copying: this is five times faster than copy.deepcopy, which copies each through its memo."""
    copied = element.makeelement(element.tag, element.attrib.copy())
    copied.text, copied.tail = element.text, element.tail
    copied.extend(_copy_tree(child) for child in element)
    return copied


def _place(parse: _Parse, *, path, report, ctx: RenderContext, audience: str) -> Rendered:
    """One showing of a parsed document: Markdown.convert from the tree steps that depend on the page on."""
    md, ext = parse.md, parse.ext
    ext.ctx, ext.audience = ctx, audience
    root = _copy_tree(parse.root)
    for name in PLACE_STEPS:
        root = _step(md.treeprocessors[name], root)
    output = md.serializer(root)
    start = output.find(f"<{md.doc_tag}>")
    end = output.rfind(f"</{md.doc_tag}>")
    output = output[start + len(md.doc_tag) + 2:end].strip() if start >= 0 and end >= 0 else ""
    for postprocessor in md.postprocessors:
        output = postprocessor.run(output)
    state = copy.deepcopy(dataclasses.replace(parse.state, path=None, report=None))
    state.path, state.report = path, report
    return Rendered(output.strip(), getattr(md, "toc_tokens", []), state)


def _smartened(md: markdown.Markdown, text: str) -> etree.Element:
    """A <span> of `text` after `md`'s Smarty step (its substitutions stashed in `md`, as in a document)."""
    holder = etree.Element("div")
    etree.SubElement(holder, "span").text = text
    md.treeprocessors["smarty"].run(holder)
    return holder[0]


@functools.lru_cache(maxsize=4096)  # a glossary entry is printed by every site, module file and PDF of its language
def smart_text(text: str) -> Markup:
    """Plain text a template prints (a glossary expansion or definition) with Smarty's quotes, dashes and
    ellipses, as the lessons' Markdown shows them (Ministers’ Meeting, not Ministers' Meeting), escaped for HTML.
    Only Smarty's step runs: the text is not read as Markdown."""
    md = _typography_markdown()
    md.reset()
    html = md.serializer(_smartened(md, text))
    for postprocessor in md.postprocessors:
        html = postprocessor.run(html)
    return Markup(html[len("<span>"):-len("</span>")])


@functools.lru_cache(maxsize=1)
def _typography_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["smarty"], output_format="html")


def render_inline(text: str, ctx: RenderContext) -> str:
    """Render a short text (a key point, an objective) without the surrounding paragraph."""
    from .problems import Report
    from pathlib import Path
    out = render(text, path="<inline>", report=Report(Path(".")), ctx=ctx, expand_terms=False).html
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out
