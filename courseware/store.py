"""Caches as data: what the incremental build keeps between builds, written as JSON and read back without ever
running code (unlike pickle, which a shared or downloaded output folder could use to run anything).

JSON has no tuples, bytes, paths, non-string keys or dataclasses, so those are written as small tagged objects:
`{"#": "tuple", "v": [...]}`. Only the dataclasses named in KINDS can be read back; anything else is refused
and that cache entry is simply not kept (it costs a render next time, never a wrong result).

Relocation: every string is written with the project's folder (as a path and as a file:// URI) replaced by
a placeholder and read back with the folder the project is in now, so that a copied, moved or freshly cloned
project keeps its caches.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path

_KINDS: dict[str, type] = {}


def register(cls: type) -> type:
    """Allow a dataclass in the caches (used as a decorator by the modules that own them)."""
    _KINDS[cls.__qualname__] = cls
    return cls


class Unstorable(Exception):
    pass


class Places:
    """The absolute folders that strings may mention: replaced by placeholders on write, restored on read."""

    def __init__(self, folders):
        """`folders`: the project's root first, then the builder's (usually the same folder)."""
        pairs, seen = [], set()
        for number, folder in enumerate(folders):
            folder = Path(folder).resolve()
            if folder in seen:
                continue
            seen.add(folder)
            pairs.append((folder.as_uri(), f"\x00{number}-uri\x00"))
            pairs.append((str(folder), f"\x00{number}\x00"))
        # Longest first, so that a folder inside another is replaced as itself.
        self.out = sorted(pairs, key=lambda p: -len(p[0]))
        self.back = [(token, text) for text, token in self.out]

    def portable(self, text: str) -> str:
        for absolute, token in self.out:
            if absolute in text:
                text = text.replace(absolute, token)
        return text

    def local(self, text: str) -> str:
        if "\x00" not in text:
            return text
        for token, absolute in self.back:
            text = text.replace(token, absolute)
        return text


def dumps(value, places: Places) -> bytes:
    """Deterministic JSON for `value` (raises Unstorable for what it cannot represent)."""
    return encode(plain(value, places))


def plain(value, places: Places):
    """`value` as plain JSON values, tagged where JSON has no such type (raises Unstorable for what it cannot
    represent): dumps(value) is encode(plain(value)), and a dict of plain values is plain."""
    return _out(value, places)


def encode(plain_value) -> bytes:
    return json.dumps(plain_value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def loads(data: bytes, places: Places):
    return _in(json.loads(data.decode("utf-8")), places)


class Kept(Mapping):
    """A cache file's top-level dict, each value turned back into objects only when it is asked for (an edit
    build uses a few of several thousand renders), and able to give a value's stored form again (`plain_of`), so
    that what did not change is written back without being converted a second time."""

    def __init__(self, stored: dict, places: Places):
        self._stored, self._places = stored, places
        self._objects: dict = {}
        self._plain: dict[int, object] = {}  # id of an object handed out (kept alive in _objects) -> its stored form

    def __getitem__(self, key):
        """The value, read back; KeyError if there is none or it cannot be read back (it is then forgotten: it
        only costs the work again)."""
        if key not in self._objects:
            stored = self._stored[key]
            try:
                value = _in(stored, self._places)
            except (Unstorable, ValueError, TypeError, AttributeError, KeyError):
                del self._stored[key]
                raise KeyError(key) from None
            self._objects[key] = value
            self._plain[id(value)] = stored
            if isinstance(value, list):  # a list of entries: each may be kept on its own
                self._plain.update((id(v), s) for v, s in zip(value, stored))
        return self._objects[key]

    def __iter__(self):
        return iter(list(self._stored))

    def items(self):
        """(key, value) of every value that can be read back."""
        out = []
        for key in list(self._stored):
            try:
                out.append((key, self[key]))
            except KeyError:
                continue
        return out

    def __len__(self) -> int:
        return len(self._stored)

    def __contains__(self, key) -> bool:
        return key in self._stored

    def plain_of(self, value):
        """The stored form of `value` if this mapping handed it out (or one of the entries of a list it handed
        out), else None."""
        return self._plain.get(id(value))


def read_kept(data: bytes, places: Places) -> Kept:
    """A cache file written by dumps() of a dict, read as a Kept mapping; ValueError if it is not such a file."""
    stored = json.loads(data.decode("utf-8"))
    if not isinstance(stored, dict) or "#" in stored:
        raise ValueError("not a cache of entries")
    return Kept({places.local(k): v for k, v in stored.items()}, places)


def _out(value, places: Places):
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return places.portable(value)
    if isinstance(value, list):
        return [_out(v, places) for v in value]
    if isinstance(value, tuple):
        return {"#": "tuple", "v": [_out(v, places) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = sorted((_out(v, places) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return {"#": type(value).__name__, "v": items}
    if isinstance(value, bytes):
        return {"#": "bytes", "v": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Path):
        return {"#": "path", "v": places.portable(str(value))}
    if type(value) is dict or isinstance(value, dict) and not dataclasses.is_dataclass(value):
        if all(type(k) is str for k in value) and "#" not in value:
            return {places.portable(k): _out(v, places) for k, v in value.items()}
        return {"#": "dict", "v": [[_out(k, places), _out(v, places)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value) and _KINDS.get(type(value).__qualname__) is type(value):
        fields = {f.name: _out(getattr(value, f.name), places) for f in dataclasses.fields(value)}
        return {"#": "data", "kind": type(value).__qualname__, "v": fields}
    raise Unstorable(f"cannot store a {type(value).__qualname__}")


def _in(value, places: Places):
    if isinstance(value, str):
        return places.local(value)
    if isinstance(value, list):
        return [_in(v, places) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("#")
    if tag is None:
        return {places.local(k): _in(v, places) for k, v in value.items()}
    v = value["v"]
    if tag == "tuple":
        return tuple(_in(x, places) for x in v)
    if tag == "set":
        return {_in(x, places) for x in v}
    if tag == "frozenset":
        return frozenset(_in(x, places) for x in v)
    if tag == "bytes":
        return base64.b64decode(v)
    if tag == "path":
        return Path(places.local(v))
    if tag == "dict":
        return {_in(k, places): _in(x, places) for k, x in v}
    if tag == "data":
        cls = _KINDS.get(value.get("kind"))
        if cls is None:
            raise Unstorable(f"unknown kind {value.get('kind')!r}")
        return cls(**{k: _in(x, places) for k, x in v.items()})
    raise Unstorable(f"unknown tag {tag!r}")
