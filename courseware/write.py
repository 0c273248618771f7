"""Write stage: the only code that touches output/. Builds in a staging folder, then swaps it in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class UnsafeOutputPath(Exception):
    pass


def write(output: Path, files: dict[str, bytes], keep_existing: bool) -> None:
    """Replace output/ with `files`; with keep_existing, files not rebuilt this time are kept."""
    output.mkdir(parents=True, exist_ok=True)
    staging = output / f".staging-{os.getpid()}"
    old = output / f".old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    staging.mkdir()
    try:
        if keep_existing:
            for entry in _entries(output):
                target = staging / entry.name
                if entry.is_dir():
                    shutil.copytree(entry, target, copy_function=_link_or_copy)
                else:
                    _link_or_copy(entry, target)
        root = staging.resolve()
        for rel, data in sorted(files.items()):
            target = (staging / rel).resolve()
            if root not in target.parents:
                raise UnsafeOutputPath(f"refusing to write outside output/: {rel}")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()  # never write through a hard link into the previous output
            target.write_bytes(data)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old.mkdir()
    for entry in _entries(output):
        entry.rename(old / entry.name)
    for entry in _entries(staging):
        entry.rename(output / entry.name)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _entries(folder: Path):
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst
