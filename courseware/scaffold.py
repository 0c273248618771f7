"""`build.py new module NAME` and `build.py new lesson MODULE NAME`: documented skeletons that pass `check`.

A skeleton is a starting point an author fills in: every field is there with a comment saying what
it is for, the body shows each kind of block once, and every objective is already checked by an
activity or a quiz question, so `python build.py check` passes before the author writes a word.
The new file is also added to the list that names it (course.yaml `modules`, module.yaml `lessons`)
by a small text edit that keeps the author's comments and layout; the edit is verified by parsing
the result, and nothing is written if it cannot be made safely.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from .problems import did_you_mean

NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
NUMBER = re.compile(r"^(\d+)[-_]")

MODULE_YAML = """\
# The module: its id, title, summary and objectives, and its lessons in teaching order.
# See the authors' guide, section 3. Run `python build.py check` after every change.

# A short name with no spaces. Lessons are named by it in course.yaml: {id}/lesson-id
id: {id}
title: {title}
# Two or three sentences: what the module covers, for whom. Shown on the module page.
summary: >
  What this module covers and why it matters for migrants' rights advocates. Replace this
  summary with two or three plain sentences.
# What a trainee can do at the end of the module. Begin each with a verb.
objectives:
  - Describe the first thing a trainee will be able to do.
# The lesson files, in teaching order. Add a lesson with: python build.py new lesson {id} lesson-name
lessons:
  - {lesson}
"""

LESSON_MD = """\
---
# The lesson's front matter: see the authors' guide, section 4. Lines starting with # are comments.
title: {title}
# Minutes of input by the facilitator, and of activities and discussion.
teaching_minutes: 20
activity_minutes: 25
# What a trainee can do after the lesson. Number 1 is the first line, 2 the second. Each one must be
# checked by an activity, discussion, worksheet or quiz question below ('checks: [1]').
objectives:
  - Explain the main idea of this lesson in your own words.
  - Apply the main idea to an example from your own country.
# The questions the lesson answers (optional).
key_questions:
  - What is the main idea of this lesson?
# The points to remember, shown at the end of the lesson.
key_points:
  - The first point to remember.
  - The second point to remember.
# What the facilitator needs for the whole lesson (optional).
materials:
  - Flipchart paper and markers
---

## The main idea

Replace this text with the reading: what a trainee reads alone, at home or on a phone. Write
short sentences, and explain every term the first time you use it. Cite a
source for every date and number with its id from references.yaml, in square brackets after an
at sign. Link to another lesson by its file name, and spell out acronyms in glossary.yaml.

## An example

Replace this text with an example that trainees will recognise.

/// activity | Explain it to a partner
    minutes: 15
    group: pairs
    materials: [flipchart paper, markers]
    checks: [1]

1. One person explains the main idea to their partner; the partner asks one question. (6 minutes)
2. Change roles. (6 minutes)
3. Each pair says in one sentence what was hardest to explain. (3 minutes)

//// facilitator-note
Advice and answers for the facilitator go in a facilitator note. Trainees never see it: it is
left out of every trainee page and handout, and printed only in the facilitator guide. End each
step of an activity with its time in brackets, as above: the steps must add up to its minutes.
////
///

/// quiz | Check yourself
- question: Which of these is an example of the main idea?
  checks: [2]
  choices:
    - text: The right example.
      correct: true
      feedback: Yes. Say here why this answer is right.
    - text: A wrong example.
      feedback: No. Say here why this answer is wrong.
///
"""


class ScaffoldError(Exception):
    """A usage problem: a bad name, a file that exists, a list that cannot be edited safely."""


def title_from(name: str) -> str:
    words = name.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def next_number(names) -> int:
    numbers = [int(m.group(1)) for n in names if (m := NUMBER.match(n))]
    return max(numbers, default=0) + 1


def append_to_list(text: str, key: str, item: str) -> str:
    """Add `item` to the top-level YAML list `key` in `text`, keeping comments and layout."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = re.match(rf"^{re.escape(key)}:[ \t]*(\[[^\]#]*\]|)[ \t]*(#.*)?$", line)
        if not m:
            continue
        flow = m.group(1)
        if flow:
            inner = flow[1:-1].strip().rstrip(",")
            new = f"[{inner}, {item}]" if inner else f"[{item}]"
            lines[i] = line[:m.start(1)] + new + line[m.end(1):]
        else:
            last, indent = None, "  "
            for j in range(i + 1, len(lines)):
                current = lines[j]
                if im := re.match(r"^([ \t]*)-[ \t]", current):
                    last, indent = j, im.group(1)
                elif not current.strip() or current.lstrip().startswith("#"):
                    continue
                elif current[:1] in (" ", "\t") and last is not None:
                    last = j  # an item that runs over several lines
                else:
                    break
            if last is None:
                raise ScaffoldError(f"'{key}:' has no items to add to")
            lines.insert(last + 1, f"{indent}- {item}")
        out = "\n".join(lines)
        _verify(text, out, key, item)
        return out
    raise ScaffoldError(f"no top-level '{key}:' list")


def _verify(before: str, after: str, key: str, item: str) -> None:
    try:
        old, new = yaml.safe_load(before), yaml.safe_load(after)
    except yaml.YAMLError as exc:
        raise ScaffoldError(f"the file is not valid YAML ({exc.__class__.__name__}); fix it first") from None
    if not isinstance(old, dict) or not isinstance(old.get(key), list):
        raise ScaffoldError(f"'{key}' is not a list")
    expected = dict(old, **{key: old[key] + [item]})
    if new != expected:
        raise ScaffoldError(f"could not add '{item}' to '{key}' safely")


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def new_module(root: Path, name: str, title: str | None = None) -> list[Path]:
    """Create modules/NN-name/ with module.yaml and a first lesson; list it in course.yaml."""
    source = root / "modules"
    _check_name(name, "module")
    course_path = source / "course.yaml"
    folders = [p for p in source.iterdir() if p.is_dir()]
    for folder in folders:
        data = _read_yaml(folder / "module.yaml")
        if NUMBER.sub("", folder.name) == name or (isinstance(data, dict) and data.get("id") == name):
            raise ScaffoldError(f"a module named '{name}' exists already: modules/{folder.name}")
    folder = source / f"{next_number(p.name for p in folders):02d}-{name}"
    course_text = append_to_list(course_path.read_text(encoding="utf-8"), "modules", folder.name)
    lesson = "01-introduction.md"
    texts = {folder / "module.yaml": MODULE_YAML.format(id=name, title=_yaml_str(title or title_from(name)),
                                                        lesson=lesson),
             folder / lesson: LESSON_MD.format(title=_yaml_str(f"Introduction: {title}" if title else
                                                               f"Introduction to {name.replace('-', ' ')}")),
             course_path: course_text}
    folder.mkdir()
    for path, text in texts.items():
        path.write_text(text, encoding="utf-8")
    return list(texts)


def new_lesson(root: Path, module: str, name: str, title: str | None = None) -> list[Path]:
    """Create a lesson file in `module` (its id or folder name) and list it in its module.yaml."""
    source = root / "modules"
    _check_name(name, "lesson")
    modules = {}
    for folder in sorted(p for p in source.iterdir() if (p / "module.yaml").is_file()):
        data = _read_yaml(folder / "module.yaml")
        modules[folder.name] = folder
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            modules[data["id"]] = folder
    if module not in modules:
        raise ScaffoldError(f"no module '{module}' in modules/{did_you_mean(module, modules)}")
    folder = modules[module]
    module_path = folder / "module.yaml"
    data = _read_yaml(module_path)
    listed = data.get("lessons") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise ScaffoldError(f"{module_path.relative_to(root)} has no 'lessons' list")
    existing = [str(x) for x in listed] + [p.name for p in folder.glob("*.md")]
    if any(NUMBER.sub("", Path(x).stem) == name for x in existing):
        raise ScaffoldError(f"a lesson named '{name}' exists already in modules/{folder.name}")
    path = folder / f"{next_number(existing):02d}-{name}.md"
    module_text = append_to_list(module_path.read_text(encoding="utf-8"), "lessons", path.name)
    lesson_text = LESSON_MD.format(title=_yaml_str(title or title_from(name)))
    path.write_text(lesson_text, encoding="utf-8")
    module_path.write_text(module_text, encoding="utf-8")
    return [path, module_path]


def _check_name(name: str, what: str) -> None:
    if not NAME.match(name):
        raise ScaffoldError(f"'{name}' is not a valid {what} name: use lowercase letters, digits and hyphens, "
                            "for example 'stakeholder-mapping'")


def _yaml_str(text: str) -> str:
    """A title as a YAML scalar: plain when that is safe, else double-quoted."""
    try:
        plain = yaml.safe_load(f"x: {text}") if "\n" not in text else None
    except yaml.YAMLError:
        plain = None
    if isinstance(plain, dict) and plain.get("x") == text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


USAGE = "usage: build.py new module NAME | build.py new lesson MODULE NAME  [--title TEXT]"


def main(root: Path, names: list[str], title: str | None = None) -> int:
    """Entry point for `build.py new`; exit 0 on success, 2 on usage errors."""
    try:
        if len(names) == 2 and names[0] == "module":
            created, module_id = new_module(root, names[1], title), names[1]
            lesson_key = f"{module_id}/introduction"
        elif len(names) == 3 and names[0] == "lesson":
            created = new_lesson(root, names[1], names[2], title)
            module_id = _read_yaml(created[1])["id"]
            lesson_key = f"{module_id}/{names[2]}"
        else:
            print(f"build.py: error: {USAGE}", file=sys.stderr)
            return 2
    except ScaffoldError as exc:
        print(f"build.py: error: {exc}", file=sys.stderr)
        return 2
    for path in created:
        verb = "created" if path.suffix == ".md" or path.name == "module.yaml" and names[0] == "module" else "updated"
        print(f"{verb} {path.relative_to(root).as_posix()}")
    print(f"next: write the lesson, run 'python build.py check', and to teach it add "
          f"'- lesson: {lesson_key}' to an edition in modules/course.yaml")
    return 0
