"""How much trainees read each evening: the words of the lessons an edition marks `read_beforehand`, per day.

    .venv/bin/python scripts/evening_reading.py            # every edition
    .venv/bin/python scripts/evening_reading.py --limit 4000

A lesson read beforehand is read the evening before its day (before Day 1: with the joining instructions or on
the evening of arrival). Its words are what a trainee reads on the lesson page: the title, objectives, key
questions and key points, and the body without facilitator notes (activities, worksheets and quiz questions
included), without citations, link targets, block options or quiz field names. A diagram's alt text is
not counted: a sighted trainee reads the diagram, not its description (a screen reader user hears it; the
four diagrams' alt texts hold 70 to 155 words each). The self-study lessons are
listed apart: they are read after the course. Exit status 1 when an evening is over `--limit`.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from courseware.load import load_course  # noqa: E402
from courseware.markup import CITATION, CLOSER, HEADER  # noqa: E402
from courseware.problems import Report  # noqa: E402

WORD = re.compile(r"[^\W_][\w'\u2019-]*")
QUIZ_FIELD = re.compile(r"^\s*(?:-\s*)?(?:question|text|feedback|checks|choices|correct):\s*")
OPTION = re.compile(r"^ {4}[\w-]+\s*:")


IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


def words(text: str) -> int:
    text = IMAGE.sub("", CITATION.sub("", text))
    return len(WORD.findall(re.sub(r"\]\([^)]*\)", "]", text)))


def page_words(lesson) -> int:
    """The words a trainee reads on the lesson's page."""
    count = words(" ".join((lesson.title, *lesson.objectives, *lesson.key_questions, *lesson.key_points)))
    stack: list[tuple[int, str]] = []
    for line in lesson.body.split("\n"):
        if m := CLOSER.match(line):
            while stack and stack[-1][0] != len(m.group(1)):
                stack.pop()
            if stack:
                stack.pop()
            continue
        if m := HEADER.match(line):
            stack.append((len(m.group(1)), m.group(2).lower()))
            line = m.group(3) or ""
        if any(kind == "facilitator-note" for _, kind in stack) or (stack and OPTION.match(line)):
            continue
        count += words(QUIZ_FIELD.sub("", line))
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--limit", type=int, default=None, help="words an evening may hold")
    args = parser.parse_args(argv)
    report = Report(args.root)
    course = load_course(args.root, report)
    if course is None or report.errors:
        print(report.format(), file=sys.stderr)
        return 2
    over = False
    for edition in course.editions:
        print(f"{edition.id}: {edition.title}")
        for day in edition.days:
            lessons = [s.lesson for s in day.sessions if s.lesson and s.read_beforehand]
            total = sum(page_words(lesson) for lesson in lessons)
            flag = ""
            if args.limit is not None and total > args.limit:
                over, flag = True, f"  OVER {args.limit}"
            names = ", ".join(f"{lesson.key} ({page_words(lesson):,})" for lesson in lessons) or "nothing"
            print(f"  before day {day.number}: {total:>6,} words{flag}: {names}")
        if edition.self_study:
            study = edition.self_study
            print(f"  self-study, after the course: {sum(page_words(lesson) for lesson in study):,} words in "
                  f"{len(study)} lessons: {', '.join(lesson.key for lesson in study)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
