#!/usr/bin/env python3
"""Benchmark the LMS packages (courseware/lms.py): what they add to a build, and how big they are.

    .venv/bin/python benchmarks/bench_lms.py            # the shipped course, about a minute
    .venv/bin/python benchmarks/bench_lms.py --full     # also a clean full build with and without them (long)

The course is copied to a temporary folder; modules/ and output/ are never touched. Each build runs in a
fresh process. It prints:

- a clean HTML-only build (the sites: what the packages are made from);
- a clean --lms-only build (the sites rendered in memory, then every package);
- the LMS stage alone, on sites already in memory (the best of three runs): what a full build pays for
  the packages, since the sites are rendered once for both;
- with --full, a clean full build (HTML, PDFs and packages) and the same build without the packages
  (Options(lms=False)), for the ratio the issue asks for;
- the size of every package.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE.parent
sys.path.insert(0, str(TOOL))


def cpu() -> float:
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def phase_build(root: Path, output: Path, kind: str) -> dict:
    from courseware.pipeline import Options, build
    options = {"html": Options(pdf=False, clean=True), "lms": Options(html=False, pdf=False, clean=True),
               "full": Options(clean=True), "full-without-lms": Options(lms=False, clean=True)}[kind]
    started = time.perf_counter()
    result = build(root, options, output)
    if result.report.errors:
        raise SystemExit("build failed:\n" + result.report.format())
    return {"seconds": time.perf_counter() - started, "cpu": cpu(),
            "sizes": {k: len(v) for k, v in result.files.items() if k.startswith("lms/")}}


def phase_stage(root: Path) -> dict:
    """The LMS stage alone, three times on the same sites in memory; the fastest run."""
    from courseware import languages, lms
    from courseware.load import load_course
    from courseware.pipeline import TOOL_ROOT
    from courseware.problems import Report
    from courseware.validate import validate
    report = Report(root)
    course = load_course(root, report)
    validate(course, report)
    versions = languages.translate_all(course, report)
    sites = languages.sites(versions, TOOL_ROOT / "templates", TOOL_ROOT / "fonts", report)
    runs = []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        files = lms.packages(versions, sites, course, TOOL_ROOT / "templates")
        runs.append((time.process_time() - started_cpu, time.perf_counter() - started))
    best = min(runs)
    return {"cpu": best[0], "seconds": best[1], "packages": len(files), "bytes": sum(map(len, files.values()))}


def run(*args) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", *map(str, args)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def sizes_table(sizes: dict[str, int]) -> list[str]:
    """One line per kind of package and language: the range of sizes."""
    groups: dict[tuple[str, str], list[int]] = {}
    for name, size in sizes.items():
        parts = name.split("/")
        lang = parts[-1].split(".")[-2]
        kind = ("cartridge" if name.endswith(".imscc") else
                f"{parts[1]} course" if parts[-1].startswith("course.") else f"{parts[1]} module")
        groups.setdefault((kind, lang), []).append(size)
    lines = []
    for (kind, lang), values in sorted(groups.items()):
        low, high = min(values), max(values)
        shown = f"{low / 1e3:.0f} kB" if low == high else f"{low / 1e3:.0f} to {high / 1e3:.0f} kB"
        lines.append(f"{kind} | {lang} | {len(values)} | {shown}")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--full", action="store_true", help="also clean full builds (PDFs) with and without the packages")
    p.add_argument("--course", type=Path, default=TOOL, help="project whose modules/ to measure")
    p.add_argument("--phase", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.phase:
        kind, root, *rest = args.phase
        figures = phase_stage(Path(root)) if kind == "stage" else phase_build(Path(root), Path(rest[0]), kind)
        print(json.dumps(figures))
        return 0
    import shutil
    print(f"# LMS benchmark: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="courseware-bench-lms-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(args.course / "modules", root / "modules")
        print("step | wall time | CPU time | load average after")
        html = run("html", root, Path(tmp) / "html")
        print(f"clean build, HTML only | {html['seconds']:.1f} s | {html['cpu']:.1f} s | {os.getloadavg()[0]:.1f}")
        only = run("lms", root, Path(tmp) / "lms")
        print(f"clean build, --lms-only | {only['seconds']:.1f} s | {only['cpu']:.1f} s | {os.getloadavg()[0]:.1f}")
        stage = run("stage", root)
        print(f"LMS stage alone ({stage['packages']} packages, {stage['bytes'] / 1e6:.1f} MB) | {stage['seconds']:.2f} s "
              f"| {stage['cpu']:.2f} s | {os.getloadavg()[0]:.1f}")
        print(f"LMS stage / clean HTML-only build, CPU: {100 * stage['cpu'] / html['cpu']:.1f} %")
        if args.full:
            full = run("full", root, Path(tmp) / "full")
            bare = run("full-without-lms", root, Path(tmp) / "bare")
            print(f"clean full build | {full['seconds']:.1f} s | {full['cpu']:.1f} s | {os.getloadavg()[0]:.1f}")
            print(f"clean full build without the packages | {bare['seconds']:.1f} s | {bare['cpu']:.1f} s | "
                  f"{os.getloadavg()[0]:.1f}")
            print(f"full build with / without, CPU: {100 * (full['cpu'] / bare['cpu'] - 1):+.1f} %")
        print("\npackage | language | count | size")
        for line in sizes_table(only["sizes"]):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
