"""Validate stage: cross-file checks that need the whole course (links, citations, terms, objectives)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, UnidentifiedImageError

from . import markup, timing
from .load import FRONT
from .markup import CITATION, CLOSER, HEADER, source_lines
from .scan import scan
from .model import Course, Lesson
from .problems import Report, did_you_mean
from .yamlload import Map, Seq, YAMLProblem, load as load_yaml

LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
URL = re.compile(r"(?:https?|mailto|ftp):[^\s)>\]]+")
FILE_URL = re.compile(r"file:", re.I)
ACRONYM = re.compile(r"(?<!\w)([A-Z][A-Z0-9]*[A-Z])s?(?!\w)")
ROMAN = re.compile(r"^[IVXLC]+$")
# A year, a number with thousands separators, or a number with a unit of scale: the facts that need a source.
FACT = re.compile(r"\b(?:19[4-9]\d|20[0-4]\d)\b|\b\d{1,3}(?:,\d{3})+\b"
                  r"|\b\d+(?:\.\d+)?(?=\s?(?:per cent|percent|%|million|billion))")
AS_OF = re.compile(r"(?i)\bas of (?:\d{1,2} )?(?:[A-Z][a-z]+ )?20\d\d")
# Trainee text that sends the reader to trainer material ("see the facilitator note"): trainees never see it.
# "facilitator notes" is also a verb ("the facilitator notes on a flipchart..."), so the plural counts only after
# a word that makes it a noun.
FACILITATOR_POINTER = re.compile(
    r"(?i)\bfacilitator\s+(?:note|guide|edition)\b"
    r"|\bfacilitator(?:'s|\u2019s|s'|s\u2019)\s+(?:notes?|guides?|edition)\b"
    r"|\b(?:see|in|from|check|consult|read|per|using|use|under)\s+(?:the\s+|a\s+|your\s+)?"
    r"facilitators?\s+notes\b")


def check_terms(path: Path, text: str, glossary: dict, report: Report, first_line: int = 1) -> None:
    """Report capitalised acronyms that the glossary does not define."""
    pattern = markup.term_pattern(glossary)
    for number, line in source_lines(text, first_line):
        # Most lines name no acronym, or only terms the glossary has: nothing to report, and the rest (blanking
        # links, URLs, citations and terms, each a regular expression over the line) is skipped. A word the
        # glossary has is blanked by the terms' pattern wherever it stands, so skipping changes no report.
        if all(m.group(1) in glossary or ROMAN.match(m.group(1)) for m in ACRONYM.finditer(line)):
            continue
        if HEADER.match(line):
            line = HEADER.sub(lambda m: " " * len(m.group(0)) if not m.group(3) else
                              " " * (m.start(3)) + m.group(3), line)
        line = LINK.sub(lambda m: m.group(1) + "[" + m.group(2) + "]" + " " * (len(m.group(0)) - len(m.group(2)) - 3
                                                                            - len(m.group(1))), line)
        line = URL.sub(lambda m: " " * len(m.group(0)), line)
        line = CITATION.sub(lambda m: " " * len(m.group(0)), line)
        if pattern:
            line = pattern.sub(lambda m: " " * len(m.group(0)), line)
        for m in ACRONYM.finditer(line):
            word = m.group(1)
            if ROMAN.match(word):
                continue
            report.error(path, number, m.start() + 1,
                         f"'{word}' looks like an acronym but is not in the glossary; add it to "
                         f"modules/glossary.yaml{did_you_mean(word, glossary)}", "undefined-term")


def check_citations(path: Path, text: str, references: dict, report: Report, first_line: int = 1) -> set:
    used = set()
    for number, line in source_lines(text, first_line):
        for m in CITATION.finditer(line):
            for ref_id in (x.strip().lstrip("@") for x in m.group(1).split(";")):
                used.add(ref_id)
                if ref_id not in references:
                    report.error(path, number, m.start() + 1, f"citation '@{ref_id}' is not in references.yaml"
                                 f"{did_you_mean(ref_id, references)}", "unknown-reference")
    return used


IMAGE_BUDGET = 500_000  # bytes; a warning above it
SVG_BUDGET = 100_000  # bytes; a drawing made for the course is a few kilobytes, a warning above it
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}  # what browsers and WeasyPrint both draw, with SVG
# Elements that run code or embed other documents: a drawing in a lesson needs none of them, and the site, the
# single-file modules and the PDFs all open it.
SVG_ACTIVE = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.I)
IMAGE_VARIANT = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3})$")


def image_problem(path: Path) -> str | None:
    """What is wrong with an image file that browsers or WeasyPrint could not draw, or None."""
    if path.suffix.lower() == ".svg":
        try:
            root = ElementTree.parse(path).getroot()
        except (ElementTree.ParseError, OSError) as exc:
            return f"expected an SVG drawing, found a file that is not valid XML ({exc})"
        return None if root.tag.rpartition("}")[2] == "svg" else \
            f"expected an SVG drawing, found an XML document of <{root.tag.rpartition('}')[2]}>"
    try:
        with Image.open(path) as img:
            kind = img.format
            img.verify()
    except UnidentifiedImageError:
        return "expected a PNG, JPEG, GIF, WebP or SVG image, found a file that is not an image"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"expected a PNG, JPEG, GIF, WebP or SVG image, found a damaged one ({exc})"
    if kind not in IMAGE_FORMATS:
        return f"expected a PNG, JPEG, GIF, WebP or SVG image, found {kind}"
    return None


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def svg_problems(path: Path) -> list[tuple[str, str, str]]:
    """(level, message, code) for an SVG drawing that parses: anything in it that could run code or fetch another
    file (errors), and what would keep it from shrinking to a phone's width or weigh on a phone (warnings)."""
    data = path.read_bytes()
    if re.search(rb"<!\s*(?:DOCTYPE|ENTITY)", data, re.I):
        # Entities can pull in files or blow up when expanded; a drawing needs no DOCTYPE.
        return [("error", "has a DOCTYPE or ENTITY declaration: remove it (an SVG drawing needs neither)",
                 "unsafe-svg")]
    root = ElementTree.fromstring(data)
    found: dict[str, None] = {}
    for element in root.iter():
        name = _local(element.tag)
        if name.lower() in SVG_ACTIVE:
            found[f"contains a <{name}> element, which could run code or load another document: draw with "
                  "shapes and text only"] = None
        texts = list(element.attrib.items())
        if name == "style" and element.text:
            texts.append(("style", element.text))
            if "@import" in element.text:
                found["its <style> imports another file (@import): keep every style inside the drawing"] = None
        for attribute, value in texts:
            local = _local(attribute)
            if local.lower().startswith("on"):
                found[f"has an event handler attribute ({local}), which runs script: remove it"] = None
            if local == "href" and not value.strip().startswith("#"):
                found[f"points outside the drawing ({local}=\"{value[:40]}\"): link only to parts of the drawing "
                      "itself (\"#id\")"] = None
            if "javascript:" in value.lower():
                found[f"has a javascript: address in {local}: remove it"] = None
            for target in CSS_URL.findall(value):
                if target and not target.startswith("#"):
                    found[f"refers to an outside file in {local} (url({target[:40]})): use only url(#id) "
                          "references inside the drawing"] = None
    problems = [("error", message, "unsafe-svg") for message in found]
    if _local(root.tag) == "svg" and root.get("viewBox") is None:
        problems.append(("warning", "has no viewBox, so it cannot shrink to a phone's width: add "
                         "viewBox=\"0 0 width height\" to the <svg> element", "svg-viewbox"))
    if len(data) > SVG_BUDGET:
        problems.append(("warning", f"is {len(data) / 1000:.0f} KB; a drawing should stay under "
                         f"{SVG_BUDGET // 1000} KB (trainees read on phones, and the single-file module carries it "
                         "inline): remove editor metadata and round coordinates", "image-size"))
    return problems


def image_variants(path: Path) -> list[Path]:
    """The translated copies of an image beside it: `map.km.svg` for `map.svg` (see pages.localized_image)."""
    return sorted(p for p in path.parent.glob(f"{path.stem}.*{path.suffix}")
                  if (m := IMAGE_VARIANT.match(p.stem)) and m.group("stem") == path.stem)


def check_image(lesson: Lesson, number: int, col: int, target: str, image: Path, report: Report) -> None:
    """Check one image file that a lesson shows (or a translated copy of it, named in the messages)."""
    shown = f"image '{target}'" + ("" if image.name == Path(target).name else f" (its copy '{image.name}')")
    if problem := image_problem(image):
        report.error(lesson.path, number, col, f"{shown}: {problem}", "bad-image")
        return
    if image.suffix.lower() == ".svg":
        for level, message, code in svg_problems(image):
            getattr(report, level)(lesson.path, number, col, f"{shown} {message}", code)
    elif (size := image.stat().st_size) > IMAGE_BUDGET:
        report.warning(lesson.path, number, col, f"{shown} is {size / 1e6:.1f} MB: trainees "
                       f"read on phones, and the single-file module carries it inline; keep images "
                       f"under {IMAGE_BUDGET // 1000} KB (about 1600 px wide, compressed)", "image-size")


def check_links(lesson: Lesson, anchors: dict, by_path: dict, report: Report) -> None:
    """Check links to lessons and anchors, and images (file present, alt text given)."""
    directory = lesson.path.parent
    for number, line in source_lines(lesson.body, lesson.body_line + 1):
        for m in LINK.finditer(line):
            bang, text, target = m.groups()
            col = m.start() + 1
            if bang:
                if not text.strip():
                    report.error(lesson.path, number, col, f"image '{target}' has no alt text: describe it "
                                 "between the square brackets", "image-alt")
                if URL.match(target):
                    report.error(lesson.path, number, col, f"image '{target}' is on the internet; put the file "
                                 "in the module's images/ folder so the course works offline", "remote-image")
                    continue
                if FILE_URL.match(target) or target.startswith("/"):
                    report.error(lesson.path, number, col, f"image '{target}' is outside the project: put the file "
                                 "in the module's images/ folder and give its path from the lesson "
                                 "(images/name.png)", "unsafe-path")
                    continue
                image = (directory / target).resolve()
                if lesson.path.parents[1].resolve() not in image.parents:
                    report.error(lesson.path, number, col, f"image '{target}' is outside modules/: put it in the "
                                 "module's images/ folder", "unsafe-path")
                elif not image.is_file():
                    report.error(lesson.path, number, col, f"image '{target}' does not exist", "missing-image")
                else:
                    for each in [image, *image_variants(image)]:
                        check_image(lesson, number, col, target, each, report)
                continue
            if not target or URL.match(target):
                continue
            file_part, _, anchor = target.partition("#")
            if file_part:
                resolved = (directory / file_part).resolve()
                other = by_path.get(resolved)
                if other is None and (directory / file_part).is_symlink():
                    continue  # a lesson that is a link to outside the project: refused and reported already
                if other is None and resolved.is_file() and (resolved.parent / "module.yaml").is_file() \
                        and _module_lost(resolved, by_path):
                    continue  # a lesson of a module whose module.yaml could not be read: reported there
                if other is None:
                    report.error(lesson.path, number, col, f"link to '{file_part}' does not resolve to a lesson",
                                 "broken-link")
                    continue
            else:
                other = lesson
            if anchor and anchor not in anchors.get(other.key, set()):
                report.error(lesson.path, number, col, f"link to '#{anchor}' in {other.path.name}: no heading has "
                             f"that id{did_you_mean(anchor, anchors.get(other.key, set()))}", "broken-anchor")


def _module_lost(path, by_path: dict) -> bool:
    """Whether `path` is in a module folder none of whose lessons loaded (its module.yaml has errors)."""
    return not any(p.parent == path.parent for p in by_path)


def validate(course: Course, report: Report) -> dict:
    """Run every cross-file check, reading lesson bodies without rendering them (scan.py); return per-lesson
    states (blocks, checked objectives, quiz questions)."""
    anchors, states = {}, {}
    for lesson in course.lessons:
        scanned = scan(lesson.body, path=lesson.path, report=report, offset=lesson.body_line,
                       references=course.references)
        anchors[lesson.key] = scanned.anchors
        states[lesson.key] = scanned.state
    by_path = {lesson.path.resolve(): lesson for lesson in course.lessons}
    # A glossary or reference file that could not be read is reported; checked against what is left, every
    # term or citation it holds would be reported as unknown too (thousands of errors hiding the one).
    terms_known, references_known = "glossary" not in course.unreadable, "references" not in course.unreadable
    for lesson in course.lessons:
        text = lesson.path.read_text(encoding="utf-8")
        if terms_known:
            check_terms(lesson.path, text, course.glossary, report)
        if references_known:  # the whole file: key points and objectives may cite sources too
            check_citations(lesson.path, text, course.references, report)
        check_links(lesson, anchors, by_path, report)
        check_objectives(lesson, text, states[lesson.key], report)
        check_traceable_facts(lesson, report)
        check_facilitator_pointers(lesson, text, report)
        check_step_minutes(lesson, report)
    home = course.source / "home.md"
    if course.home and terms_known:
        check_terms(home, course.home, course.glossary, report)
    if course.home and references_known:
        check_citations(home, course.home, course.references, report)
    for module in course.modules if terms_known else ():
        check_terms(module.path, module.path.read_text(encoding="utf-8"), course.glossary, report)
    return states


def objective_positions(text: str) -> dict[int, tuple[int, int]]:
    """(line, column) of each objective (numbered from 1) in a lesson file's `text`, for pointing at it.

    Taken from the positions the YAML loader records for every sequence item, so block lists, flow
    lists (`objectives: [a, b]`) and items quoted or folded over several lines are all found where
    they start. {} when the front matter does not parse (that error is reported when it is loaded)."""
    m = FRONT.match(text)
    if not m:
        return {}
    try:
        data = load_yaml(m.group(1) or "", offset=1)  # the front matter starts on the file's line 2
    except YAMLProblem:
        return {}
    items = data.get("objectives") if isinstance(data, Map) else None
    if not isinstance(items, Seq):
        return {}
    return {n: items.line_of(n - 1) for n in range(1, len(items) + 1)}


def check_traceable_facts(lesson: Lesson, report: Report) -> None:
    """Warn about a date or figure that never appears next to a citation anywhere in the lesson."""
    paragraphs, start = [], lesson.body_line + 1
    for chunk in re.split(r"(\n\s*\n)", lesson.body):
        paragraphs.append((start, chunk))
        start += chunk.count("\n")
    cited = set()
    for _, text in paragraphs:
        if CITATION.search(text):
            cited |= set(FACT.findall(AS_OF.sub("", text)))
    reported = set()
    for first, text in paragraphs:
        for offset, line in enumerate(text.split("\n")):
            if line.startswith("    ") and ":" in line:  # block options
                continue
            for m in FACT.finditer(AS_OF.sub(lambda a: " " * len(a.group(0)), line)):
                if m.group(0) not in cited and m.group(0) not in reported:
                    reported.add(m.group(0))
                    report.warning(lesson.path, first + offset, m.start() + 1,
                                   f"'{m.group(0)}' never appears next to a citation in this lesson; cite its "
                                   "source at least once, e.g. [@reference-id]", "untraced-fact")


def trainee_lines(lesson: Lesson, text: str):
    """Yield (line number, line) of what trainees read in a lesson file: the front matter without `materials`
    (which only the facilitator's pages show) and the body outside facilitator notes."""
    body_start = lesson.body_line + 1
    in_materials = False
    for number, line in enumerate(text.split("\n")[:lesson.body_line], 1):
        if line.strip() == "---":
            continue
        if line[:1].strip():  # a top-level key
            in_materials = line.startswith("materials:")
        if not in_materials:
            yield number, line
    open_blocks: list[tuple[int, bool]] = []  # (slash count, inside a facilitator note) of each open block
    for number, line in source_lines(lesson.body, body_start):
        if m := CLOSER.match(line):
            length = len(m.group(1))
            while open_blocks and open_blocks[-1][0] != length:
                open_blocks.pop()
            if open_blocks:
                open_blocks.pop()
            continue
        if m := HEADER.match(line):
            hidden = m.group(2).lower() == "facilitator-note" or any(h for _, h in open_blocks)
            open_blocks.append((len(m.group(1)), hidden))
            if hidden:
                continue
        if not any(h for _, h in open_blocks):
            yield number, line


def check_facilitator_pointers(lesson: Lesson, text: str, report: Report) -> None:
    """Warn where trainee text points the reader to a facilitator note or guide, which trainees never see."""
    for number, line in trainee_lines(lesson, text):
        for m in FACILITATOR_POINTER.finditer(line):
            report.warning(lesson.path, number, m.start() + 1,
                           f"trainee text points to '{m.group(0)}', which trainees never see (it is left out "
                           "of their pages and handouts): say here what they need, or move the sentence into "
                           "the facilitator note", "facilitator-pointer")


def check_step_minutes(lesson: Lesson, report: Report) -> None:
    """Warn about an activity whose steps' minutes do not add up to its `minutes:` (a discussion only when its
    steps give minutes at all). A single step takes the whole time, and needs none."""
    for block in timing.timed_blocks(lesson.body, lesson.body_line):
        if block.minutes is None or len(block.steps) < 2 or block.stated == block.minutes:
            continue
        if block.kind != "activity" and not any(block.steps):
            continue
        untimed = [str(n) for n, m in enumerate(block.steps, 1) if not m]
        which = (f"; step{'s' * (len(untimed) > 1)} {_and(untimed)} give{'s' * (len(untimed) == 1)} none"
                 if untimed and len(untimed) < len(block.steps) else "")
        report.warning(lesson.path, block.line, 1,
                       f"{block.kind} '{block.title}' takes {block.minutes} minutes, but its steps add up to "
                       f"{block.stated}{which}: end each step with its time, e.g. '(10 minutes)', so that the "
                       "steps add up to the block's minutes", "step-minutes")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_objectives(lesson: Lesson, text: str, state, report: Report) -> None:
    count = len(lesson.objectives)
    if not count:  # the lesson's missing objectives are reported; each check would only repeat it
        return
    for number, line in sorted(state.checks.items(), key=lambda kv: (kv[1], kv[0])):
        if not 1 <= number <= count:
            report.error(lesson.path, line, 1, f"checks: objective {number} does not exist (the lesson has "
                         f"{count} objective{'s' * (count != 1)})", "bad-check")
    positions = None  # parsed only when an objective is unchecked
    for n, objective in enumerate(lesson.objectives, 1):
        if n not in state.checks:
            positions = objective_positions(text) if positions is None else positions
            line, col = positions.get(n, (2, 1))
            report.error(lesson.path, line, col, f"objective {n} ('{objective[:50]}') is not checked by any activity, "
                         "discussion, worksheet or quiz question (add 'checks: [" + str(n) + "]')",
                         "unchecked-objective")
    if not any(b.type == "activity" for b in state.blocks):
        report.warning(lesson.path, 1, 1, "lesson has no activity block", "no-activity")
