"""Write stage: the only code that touches output/.

It runs only after every other stage succeeded, so a build with errors leaves output/ exactly as it was. It
writes only the files whose bytes changed (each through a temporary file renamed into place, never through
a hard link or half-written) and removes the files the build no longer makes: an unchanged build touches
nothing, and a one-lesson edit rewrites only what that edit changed. The manifest of the last build is
removed before the first change and written again last (cache.Session.finish), so an interrupted write is
never mistaken for a complete one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MANIFEST = ".manifest.json"


class UnsafeOutputPath(Exception):
    pass


def write(output: Path, files: dict[str, bytes], keep_existing: bool) -> list[str]:
    """Make output/ hold `files`; without keep_existing, remove the (non-hidden) files not among them.
    Returns the paths written or removed."""
    output.mkdir(parents=True, exist_ok=True)
    root = output.resolve()
    targets = {}
    for rel, data in sorted(files.items()):  # every path is checked before anything is written
        target = (output / rel).resolve()
        if root not in target.parents:
            raise UnsafeOutputPath(f"refusing to write outside output/: {rel}")
        targets[rel] = target
    changed = [rel for rel, target in targets.items() if not _holds(target, files[rel])]
    removed = [] if keep_existing else sorted(set(_files(output)) - set(files))
    if not changed and not removed:
        return []
    (output / MANIFEST).unlink(missing_ok=True)
    for rel in changed:
        _replace(targets[rel], files[rel], root)
    for rel in removed:
        path = output / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:  # folders left empty go too
            if parent == output or any(parent.iterdir()):
                break
            parent.rmdir()
    return changed + removed


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) \
            and path.read_bytes() == data
    except OSError:
        return False


def _files(output: Path):
    """Output files by path, hidden files and folders (the manifest, the caches) left out."""
    for path in output.rglob("*"):
        rel = path.relative_to(output)
        if not any(part.startswith(".") for part in rel.parts) and (path.is_file() or path.is_symlink()):
            yield rel.as_posix()


def _replace(target: Path, data: bytes, root: Path) -> None:
    """Write `data` at `target` atomically, making way for it (a file where a folder must be, or the reverse)."""
    for parent in reversed(target.parents):
        if root in parent.parents and (parent.is_file() or parent.is_symlink()):
            parent.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # a hard link or symbolic link at target is replaced, never written through
