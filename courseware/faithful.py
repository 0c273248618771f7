"""Is a translation faithful? Checks of a translated lesson against its English source, run by every build and
by `build.py check`, with path:line problems in the translation.

A reviewer who does not read Khmer or Burmese can still trust these:

- structure (errors): the same sections, the same blocks in the same order, the same quiz questions with the
  same number of choices and the same correct answer, the same citations, links and images;
- facts (errors): every number of each source paragraph (years, dates, counts, percentages) appears in the
  translation's matching paragraph, whatever the digits (Khmer ០-៩, Burmese ၀-၉, Thai ๐-๙ count as 0-9);
- names (warnings): an acronym of an ASEAN body or instrument in a source section (AICHR, ACMW...) stays in
  the translation's section, as the course's translations keep the English acronym beside each name; and
  where the language's glossary gives a translated name for a term the source section spells out in full,
  that name is used;
- leftovers (warnings): a paragraph of the translation that is still English.

Stale translations (the English changed since) are reported by translations.py.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .markup import source_lines
from .yamlload import YAMLProblem, load as load_yaml

DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩၀၁၂၃၄၅၆၇၈၉๐๑๒๓๔๕๖๗๘๙", "012345678901234567890123456789")
CITATION = re.compile(r"\[@([\w:.-]+)\]")
LINK = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
BLOCK = re.compile(r"^(/{3,})\s*([\w-]+)?\s*(?:\|.*)?$")
HEADING = re.compile(r"^(#{2,6})\s")
OPTION = re.compile(r"^ {4}[\w-]+:")
# A number: digits with thousands or decimal separators inside (1,300; 1.3; 4,5), any script's digits; a space
# (or a narrow no-break space) between groups of three is a thousands separator too, as Khmer writes 480 000.
NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|\d+(?:[.,]\d+)*")
GENERIC = frozenset({"ASEAN", "UN", "PDR", "NGO", "NGOs", "CSO", "CSOs", "INGO"})  # names in every language
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*[A-Z]\b")
LATIN_WORD = re.compile(r"[A-Za-z][a-z']+")
NON_LATIN_LANGS = {"km", "my", "th", "lo"}
ENGLISH_WORDS = frozenset("the and of to in is are that for with this was by on as be it or not from they an at "
                          "which their have has who what when where how can will your you our".split())
VIETNAMESE_MARKS = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I)


@dataclass
class Paragraph:
    line: int
    text: str


@dataclass
class Section:
    line: int
    heading: str
    paragraphs: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class Shape:
    """What the checks compare, read from a lesson body (no Markdown rendering: a line scan)."""

    sections: list
    blocks: list  # (line, block type, depth)
    quizzes: list  # (line, [(number of choices, index of the correct one)] or None if unreadable)
    citations: Counter
    links: Counter
    images: Counter


# The English source of a lesson is compared with each of its translations: its shape and its paragraphs' numbers
# are read once (the results are only read, never changed).
@functools.lru_cache(maxsize=64)
def shape(body: str, offset: int) -> Shape:
    sections = [Section(offset + 1, "")]
    blocks, quizzes, stack = [], [], []
    citations, links, images = Counter(), Counter(), Counter()
    paragraph: list[str] = []
    paragraph_line = 0
    quiz_lines: list[str] | None = None
    quiz_line = 0

    def close_paragraph():
        nonlocal paragraph
        if paragraph:
            sections[-1].paragraphs.append(Paragraph(paragraph_line, "\n".join(paragraph)))
            paragraph = []

    for number, line in source_lines(body, offset + 1):  # fenced code is not text to compare
        m = BLOCK.match(line.strip()) if line.startswith("/") else None
        if m:
            close_paragraph()
            slashes, kind = m.group(1), m.group(2)
            if kind:  # an opening
                blocks.append((number, kind, len(slashes)))
                stack.append((kind, len(slashes)))
                if kind == "quiz":
                    quiz_lines, quiz_line = [], number
            else:  # a closing
                if stack and stack[-1][0] == "quiz" and quiz_lines is not None:
                    quizzes.append((quiz_line, _quiz(quiz_lines)))
                    quiz_lines = None
                if stack:
                    stack.pop()
            continue
        if quiz_lines is not None:
            quiz_lines.append(line)
        for c in CITATION.findall(line):
            citations[c] += 1
        for bang, target in LINK.findall(line):
            (images if bang else links)[target] += 1
        if not stack and HEADING.match(line):
            close_paragraph()
            sections.append(Section(number, line))
            continue
        if not line.strip() or OPTION.match(line):
            close_paragraph()
            continue
        if not paragraph:
            paragraph_line = number
        paragraph.append(line)
    close_paragraph()
    return Shape(sections, blocks, quizzes, citations, links, images)


def _quiz(lines: list[str]):
    try:
        data = load_yaml("\n".join(lines))
    except YAMLProblem:
        return None
    if not isinstance(data, list):
        return None
    out = []
    for question in data:
        choices = question.get("choices") if isinstance(question, dict) else None
        if not isinstance(choices, list):
            return None
        correct = [i for i, c in enumerate(choices) if isinstance(c, dict) and c.get("correct") is True]
        out.append((len(choices), tuple(correct)))
    return out


@functools.lru_cache(maxsize=4096)
def numbers(text: str) -> Counter:
    """The numbers a text states, in 0-9 digits without separators (so 1,300 and 1.300 and ១,៣០០ agree)."""
    text = CITATION.sub(" ", LINK.sub(lambda m: " ", text.translate(DIGITS)))
    return Counter(re.sub(r"[.,\s\u202f]", "", n) for n in NUMBER.findall(text))


def _missing(source: Counter, translated: Counter) -> list[str]:
    return sorted((source - translated).elements(), key=lambda n: (len(n), n))


def _differences(what: str, source: Counter, translated: Counter) -> str | None:
    lost, added = source - translated, translated - source
    if not lost and not added:
        return None
    parts = []
    if lost:
        parts.append("missing " + ", ".join(f"'{k}'" + (f" x{n}" if n > 1 else "") for k, n in sorted(lost.items())))
    if added:
        parts.append("not in the English " + ", ".join(f"'{k}'" for k in sorted(added)))
    return f"{what} differ from the English source: " + "; ".join(parts)


def compare(source_body: str, source_offset: int, body: str, offset: int, path: Path, lang: str, report,
            glossary: dict | None = None, translated_glossary: dict | None = None) -> None:
    """Report where the translated `body` (of the file at `path`) departs from `source_body`."""
    src, out = shape(source_body, source_offset), shape(body, offset)
    first = out.sections[0].line if out.sections else offset + 1
    # Structure ----------------------------------------------------------------------------------------
    for what, a, b in (("citations", src.citations, out.citations), ("links", src.links, out.links),
                       ("images", src.images, out.images)):
        problem = _differences(what, a, b)
        if problem:
            report.error(path, first, 1, problem, "translation-structure")
    src_kinds = [(k, d) for _, k, d in src.blocks]
    out_kinds = [(k, d) for _, k, d in out.blocks]
    if src_kinds != out_kinds:
        at = next((i for i, (a, b) in enumerate(zip(src_kinds, out_kinds)) if a != b), min(len(src_kinds),
                                                                                           len(out_kinds)))
        line = out.blocks[at][0] if at < len(out.blocks) else (out.blocks[-1][0] if out.blocks else first)
        expected = src_kinds[at][0] if at < len(src_kinds) else "no more blocks"
        found = out_kinds[at][0] if at < len(out_kinds) else "no more blocks"
        report.error(path, line, 1, f"blocks differ from the English source: block {at + 1} should be "
                     f"'{expected}', found '{found}' ({len(src_kinds)} blocks in English, {len(out_kinds)} here)",
                     "translation-structure")
    for (_, s_quiz), (line, t_quiz) in zip(src.quizzes, out.quizzes):
        if s_quiz is None or t_quiz is None:
            continue  # unreadable YAML is reported by the markup renderer
        if len(s_quiz) != len(t_quiz):
            report.error(path, line, 1, f"quiz has {len(t_quiz)} questions, the English source {len(s_quiz)}",
                         "translation-structure")
            continue
        for n, ((s_count, s_correct), (t_count, t_correct)) in enumerate(zip(s_quiz, t_quiz), 1):
            if s_count != t_count:
                report.error(path, line, 1, f"quiz question {n} has {t_count} choices, the English source "
                             f"{s_count}: never drop or add a choice", "translation-structure")
            elif s_correct != t_correct:
                report.error(path, line, 1, f"quiz question {n}: the correct answer is choice "
                             f"{_choices(t_correct)} here, choice {_choices(s_correct)} in the English source",
                             "translation-structure")
    if len(src.sections) != len(out.sections):
        report.error(path, first, 1, f"the translation has {len(out.sections) - 1} headings outside blocks, the "
                     f"English source {len(src.sections) - 1}", "translation-structure")
        pairs = []
    else:
        pairs = list(zip(src.sections, out.sections))
    # Facts, names, leftovers ------------------------------------------------------------------------------
    for s_section, t_section in pairs:
        if len(s_section.paragraphs) == len(t_section.paragraphs):
            units = list(zip(s_section.paragraphs, t_section.paragraphs))
        else:  # paragraphs merged or split: compare the section as a whole
            units = [(Paragraph(s_section.line, s_section.text), Paragraph(t_section.line, t_section.text))]
        for s_par, t_par in units:
            missing = _missing(numbers(s_par.text), numbers(t_par.text))
            if missing:
                report.error(path, t_par.line, 1, "number(s) of the English paragraph missing here: "
                             + ", ".join(missing) + " (write each number of the source, in any digits)",
                             "translation-number")
        _names(s_section, t_section, path, report, glossary or {}, translated_glossary or {})
    for t_section in out.sections:
        for t_par in t_section.paragraphs:
            if _still_english(t_par.text, lang):
                report.warning(path, t_par.line, 1, "this paragraph is still in English in a translation",
                               "translation-leftover")


def _choices(indices) -> str:
    return " and ".join(str(i + 1) for i in indices) or "none"


def _names(s_section: Section, t_section: Section, path, report, glossary: dict, translated: dict) -> None:
    source, target = s_section.text, t_section.text
    lost = sorted({a for a in ACRONYM.findall(CITATION.sub(" ", source)) if a in glossary and a not in GENERIC} -
                  set(ACRONYM.findall(target)))
    if lost:
        report.warning(path, t_section.line, 1, "the English acronym of "
                       + ", ".join(lost) + " is not in this section: keep it beside the translated name",
                       "translation-term")
    for term, entry in glossary.items():
        expansion = getattr(entry, "expansion", None)
        name = translated.get(term)
        if "ASEAN" not in f"{expansion} {getattr(entry, 'definition', '')}":
            continue  # the rule is about the names of ASEAN's bodies and instruments
        if not expansion or not name or len(expansion) < 12 or expansion not in source \
                or not re.search(r"(?<!\w)" + re.escape(expansion) + r"(?!\w)", source):
            continue
        core = re.sub(r"^(?:các|những)\s+", "", name.casefold())  # a Vietnamese plural marker may fall away
        if core not in target.casefold() and term not in target:
            report.warning(path, t_section.line, 1, f"'{expansion}' is '{name}' in this language's glossary; "
                           "use that name (or keep the acronym beside yours)", "translation-term")


def _still_english(text: str, lang: str) -> bool:
    plain = LINK.sub(" ", CITATION.sub(" ", text))
    words = LATIN_WORD.findall(plain)
    if len(words) < 8:
        return False
    if lang in NON_LATIN_LANGS:
        letters = sum(1 for c in plain if c.isalpha())
        latin = sum(1 for c in plain if "a" <= c.lower() <= "z")
        return letters > 0 and latin / letters > 0.8
    if lang == "vi":
        english = sum(1 for w in words if w.lower() in ENGLISH_WORDS)
        return english / len(words) > 0.2 and not VIETNAMESE_MARKS.search(plain)
    return False


def compare_assessment(source, translated, lines: dict, path: Path, lang: str, report, glossary: dict | None = None,
                       translated_glossary: dict | None = None) -> None:
    """Report where a translated test and evaluation form (assessment.<lang>.yaml) departs from the English, text
    by text: numbers (errors), acronyms and names of ASEAN bodies in each question with its choices, and texts
    left in English (warnings). Its shape (every question, choice, rating and open question, in the English
    order) is checked as it loads (translations.py); `lines` says where each text is in the translation, and
    texts the translation does not give (shown in English) are not compared."""
    def text(key, english, shown):
        return key, lines.get(key), english or "", shown or ""

    units = [[text(("test_title",), source.test_title, translated.test_title)],
             [text(("instructions",), source.instructions, translated.instructions)],
             [text(("evaluation_title",), source.evaluation_title, translated.evaluation_title)]]
    for key in ("ratings", "open_questions"):
        units += [[text((key, i), e, t)] for i, (e, t) in enumerate(zip(getattr(source, key), getattr(translated, key)))]
    for n, (question, shown) in enumerate(zip(source.questions, translated.questions)):
        unit = [text(("question", n), question.question, shown.question)]
        for i, (choice, shown_choice) in enumerate(zip(question.choices, shown.choices)):
            unit.append(text(("text", n, i), choice.text, shown_choice.text))
            if choice.feedback:
                unit.append(text(("feedback", n, i), choice.feedback, shown_choice.feedback))
        units.append(unit)
    for unit in units:
        given = [(line, english, shown) for _, line, english, shown in unit if line is not None]
        for line, english, shown in given:
            missing = _missing(numbers(english), numbers(shown))
            if missing:
                report.error(path, line, 1, "number(s) of the English text missing here: " + ", ".join(missing)
                             + " (write each number of the source, in any digits)", "translation-number")
            if shown == english and len(LATIN_WORD.findall(english)) >= 2:
                report.warning(path, line, 1, "this text is still in English in a translation", "translation-leftover")
        if given:
            line = given[0][0]
            _names(Section(line, "", [Paragraph(line, "\n".join(e for _, e, _ in given))]),
                   Section(line, "", [Paragraph(line, "\n".join(s for _, _, s in given))]),
                   path, report, glossary or {}, translated_glossary or {})
