"""Safe YAML loading that remembers the line and column of every key and item."""

from __future__ import annotations

import datetime as dt
import functools
import re

import yaml

# libyaml's parser when PyYAML was built with it (about ten times faster; its nodes keep their line and column),
# with PyYAML's safe constructors: what `load` extends, and what reads plain values where no position is needed.
SAFE_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


class Map(dict):
    """A YAML mapping with positions: `pos` is where it starts, `key_pos[k]` where key k is."""

    pos: tuple[int, int] = (1, 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_pos: dict = {}
        self.value_pos: dict = {}

    def line_of(self, key) -> tuple[int, int]:
        return self.key_pos.get(key, self.pos)

    def value_line_of(self, key) -> tuple[int, int]:
        return self.value_pos.get(key, self.line_of(key))


class Seq(list):
    """A YAML sequence with positions: `item_pos[i]` is where item i starts."""

    pos: tuple[int, int] = (1, 1)

    def __init__(self, *args):
        super().__init__(*args)
        self.item_pos: list[tuple[int, int]] = []

    def line_of(self, index: int) -> tuple[int, int]:
        return self.item_pos[index] if index < len(self.item_pos) else self.pos


class DuplicateKey(Exception):
    def __init__(self, key, pos):
        super().__init__(key)
        self.key, self.pos = key, pos


class BadDate(Exception):
    """A value written like a date that is not one (2026-13-45): PyYAML raises a bare ValueError."""

    def __init__(self, text, reason, pos):
        super().__init__(text)
        self.text, self.reason, self.pos = text, reason, pos


def _pos(node, offset: int) -> tuple[int, int]:
    return (node.start_mark.line + 1 + offset, node.start_mark.column + 1)


def make_loader(offset: int = 0):
    """A SafeLoader subclass whose positions are shifted by `offset` lines."""

    class Loader(SAFE_LOADER):
        """SAFE_LOADER with our constructors."""

    def construct_mapping(loader, node):
        loader.flatten_mapping(node)
        result = Map()
        result.pos = _pos(node, offset)
        for knode, vnode in node.value:
            key = loader.construct_object(knode, deep=True)
            if key in result:
                raise DuplicateKey(key, _pos(knode, offset))
            result[key] = loader.construct_object(vnode, deep=True)
            result.key_pos[key] = _pos(knode, offset)
            result.value_pos[key] = _pos(vnode, offset)
        return result

    def construct_sequence(loader, node):
        result = Seq(loader.construct_object(child, deep=True) for child in node.value)
        result.pos = _pos(node, offset)
        result.item_pos = [_pos(child, offset) for child in node.value]
        return result

    def construct_timestamp(loader, node):
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError as exc:
            raise BadDate(node.value, str(exc), _pos(node, offset)) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


class YAMLProblem(Exception):
    def __init__(self, message, line, col):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


# Characters YAML does not allow in a file (C0 controls but tab and newlines, DEL, C1 controls but NEL, and
# the two non-characters): found here, so that the error names their own line, not the start of the file.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
MAX_DEPTH = 64  # far deeper than any course file; past a few hundred levels the composer runs out of stack


@functools.lru_cache(maxsize=8)
def _loader(offset: int):
    return make_loader(offset)


def load(text: str, offset: int = 0):
    """Parse YAML text safely; raise YAMLProblem with a position on any syntax error."""
    text = str(text)  # libyaml takes only an exact str (Markdown hands over AtomicString)
    bad = FORBIDDEN.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise YAMLProblem(f"YAML syntax error: expected text, found the control character U+{ord(bad.group()):04X}, "
                          "which YAML does not allow (often pasted from another program): delete it",
                          line + offset, col)
    try:
        return yaml.load(text, Loader=_loader(offset))  # noqa: S506 - SafeLoader subclass
    except RecursionError:
        line, col = _too_deep(text)
        raise YAMLProblem(f"YAML syntax error: expected at most {MAX_DEPTH} levels of nested lists and mappings, "
                          "found more", line + offset, col) from None
    except DuplicateKey as exc:
        raise YAMLProblem(f"duplicate key '{exc.key}'", *exc.pos) from None
    except BadDate as exc:
        raise YAMLProblem(f"expected a date as YYYY-MM-DD, found '{exc.text}', which is not a date ({exc.reason})",
                          *exc.pos) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else 1 + offset
        col = (mark.column + 1) if mark else 1
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        if what.startswith("mapping values are not allowed"):  # the commonest slip in course files
            what = "mapping values are not allowed here"  # libyaml says "in this context"
            what += ": a colon followed by a space inside a text starts a new field; put the whole text in double quotes"
        raise YAMLProblem(f"YAML syntax error: {what}", line, col) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(f"YAML syntax error: {exc}", 1 + offset, 1) from None


def _too_deep(text: str) -> tuple[int, int]:
    """Where nesting first goes past MAX_DEPTH (the event parser is not recursive, unlike the composer)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return 1, 1


def is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
