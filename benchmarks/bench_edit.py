#!/usr/bin/env python3
"""One lesson edited, full build, against a clean full build (issue 14's goal: under 10 % of it):

    .venv/bin/python benchmarks/bench_edit.py                 # about 10 minutes on 2 cores
    .venv/bin/python benchmarks/bench_edit.py --work DIR      # keep the copy in DIR (default: a temporary folder)

In a copy of the course (its modules/ only, so the output and caches start empty):
1. a clean full build (`--clean`: sites, PDFs, LMS packages, ZIM files and EPUB books);
2. lesson 3.1 edited (a sentence added): the first edit after its translations were made, so that they turn out
   of date in every language and each says so;
3. the same lesson edited again: its translations were out of date already.

Each build is a fresh process; CPU time is of the build and its PDF workers (user + system), the figure to compare
on a shared machine. The build's own summary says what it did again ("redone: ...").
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent
LESSON = Path("modules") / "03-engagement" / "01-aichr.md"
ADDED = "This sentence was added for a benchmark."


def build(work: Path, *extra: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, the summary's "redone" line) of one full build of `work`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(TOOL / "build.py"), "--root", str(work), *extra],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"the build failed:\n{done.stdout[-3000:]}")
    redone = next((line.strip() for line in done.stdout.splitlines() if "redone:" in line), "")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, redone


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: cannot find {old!r} to edit")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--work", type=Path, help="where to put the copy of the course (emptied first)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp:
        work = args.work or Path(tmp) / "course"
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(TOOL / "modules", work / "modules")
        rows = [("clean full build (--clean)", *build(work, "--clean"))]
        edit(work / LESSON, "\n## ", f"\n{ADDED}\n\n## ")
        rows.append(("lesson 3.1 edited: its translations turn out of date", *build(work)))
        edit(work / LESSON, ADDED, ADDED.replace("benchmark.", "benchmark, again."))
        rows.append(("lesson 3.1 edited again", *build(work)))
    clean_cpu = rows[0][2]
    print(f"{'build':54} {'wall s':>8} {'CPU s':>8} {'share':>7}  what it did again")
    for name, wall, cpu, redone in rows:
        print(f"{name:54} {wall:8.1f} {cpu:8.1f} {cpu / clean_cpu:7.1%}  {redone.removeprefix('redone: ')}")
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; share = CPU time against the clean "
          "build's (goal: under 10 % for an edit)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
