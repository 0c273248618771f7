#!/usr/bin/env python3
"""Benchmark the readers stage (issue 12): the ZIM files for Kiwix and the EPUB books a full build adds to share/.

    .venv/bin/python benchmarks/bench_readers.py            # the shipped course, in five languages
    .venv/bin/python benchmarks/bench_readers.py --course DIR

The course is copied into a temporary folder and built there, HTML only (laying out the PDFs takes ten
minutes and is measured by bench.py); then, each in a fresh process, the ZIM files and the EPUB books are
made from that build's trainee site, as a full build makes them (with a stand-in for each handout PDF):

- cold: as in a clean build, every font subset cut by fontTools;
- warm: as in a rebuild, the font subsets taken from the build's cache (the ZIMs and EPUBs themselves are
  made again every time).

It prints wall and CPU time of each, the sizes of the files, and the stage's share of the full build
measured by bench.py (pass its CPU seconds with --full-build-cpu; the default is the figure in the README).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE.parent
sys.path.insert(0, str(TOOL))
sys.path.insert(0, str(TOOL / "tests"))

FULL_BUILD_CPU = 728.0  # README: full build, HTML and PDF (--clean), shipped course in five languages, at 550df73


def cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def phase_sites(root: Path, output: Path) -> dict:
    from courseware.pipeline import Options, build
    started, cpu0 = time.perf_counter(), cpu()
    result = build(root, Options(pdf=False, clean=True), output)
    if result.report.errors:
        raise SystemExit(result.report.format())
    return {"seconds": time.perf_counter() - started, "cpu": cpu() - cpu0}


def phase_readers(root: Path, output: Path) -> dict:
    from readers import stage_inputs  # tests/readers.py: the stage's inputs, as a full build has them
    from courseware import cache, epub, fonts, zim
    versions, files = stage_inputs(output, root)
    figures = {}
    memo = cache.FunctionMemo()
    with fonts.caching(memo):
        for run in ("cold", "warm"):
            started, cpu0 = time.perf_counter(), cpu()
            made = zim.zims(versions, files, TOOL / "templates")
            middle, cpu1 = time.perf_counter(), cpu()
            made.update(epub.books(versions, files, TOOL / "templates", TOOL / "fonts"))
            figures[run] = {"zim": [middle - started, cpu1 - cpu0],
                            "epub": [time.perf_counter() - middle, cpu() - cpu1]}
    figures["sizes"] = {name: len(data) for name, data in sorted(made.items())}
    return figures


def run(*args) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", *map(str, args)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--course", type=Path, default=TOOL, help="project whose modules/ to measure")
    p.add_argument("--full-build-cpu", type=float, default=FULL_BUILD_CPU,
                   help="CPU seconds of a clean full build of the same course (bench.py)")
    p.add_argument("--phase", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.phase:
        kind, root, output = args.phase
        figures = phase_sites(Path(root), Path(output)) if kind == "sites" else phase_readers(Path(root), Path(output))
        print(json.dumps(figures))
        return 0
    print(f"# Readers stage: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="courseware-readers-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(args.course / "modules", root / "modules")
        sites = run("sites", root, root / "output")
        print(f"HTML-only clean build: {sites['seconds']:.1f} s wall, {sites['cpu']:.1f} s CPU")
        figures = run("readers", root, root / "output")
    print("step | wall time | CPU time")
    for which in ("cold", "warm"):
        for part in ("zim", "epub"):
            wall, used = figures[which][part]
            print(f"{part.upper()} files, {which} | {wall:.1f} s | {used:.1f} s")
        total = sum(figures[which][part][1] for part in ("zim", "epub"))
        print(f"both, {which} | {sum(figures[which][p][0] for p in ('zim', 'epub')):.1f} s | {total:.1f} s "
              f"({100 * total / args.full_build_cpu:.1f} % of a full build's {args.full_build_cpu:.0f} s CPU)")
    print(f"load average after: {os.getloadavg()[0]:.1f}\n\nfile | size")
    for name, size in figures["sizes"].items():
        print(f"{name} | {size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
