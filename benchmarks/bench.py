#!/usr/bin/env python3
"""Benchmark the builder on the shipped course and on a generated large course (about 200 lessons).

    .venv/bin/python benchmarks/bench.py                 # both courses
    .venv/bin/python benchmarks/bench.py --lessons 100   # a smaller large course
    .venv/bin/python benchmarks/bench.py --skip-large    # the shipped course only

Everything is built in a temporary folder; modules/ and output/ are never touched. Each measurement
runs in a fresh process (as an author running build.py would), and prints:

- full build time, HTML only and PDF only, each from a clean start (--clean);
- a full build (HTML and PDF), then a rebuild with nothing changed, a rebuild after a one-lesson edit
  (with the Markdown files rendered and the PDFs laid out again), and an HTML-only rebuild after a
  one-lesson edit (what `build.py serve` does on every save);
- WeasyPrint alone: the time to lay out the very same HTML the build hands to WeasyPrint, one PDF
  after another in one process, for the edited lesson's handout and for all PDFs: the floor the
  build cannot beat (divided by the number of cores when PDFs are laid out in parallel);
- peak memory (maximum resident set size) of the build process and of its largest PDF worker.

The large course is the shipped course copied until it has the requested number of lessons: each copy
of a module gets a new folder and id (module-level glossaries and references stay in the original),
so the lessons are real lessons of realistic length. The editions are the shipped ones.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
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

EDIT = "\n\nThis sentence was added by the benchmark to measure a one-lesson rebuild.\n"


# --- Measurements, each in its own process -------------------------------------------------------

def phase_build(root: Path, output: Path, flags: list[str]) -> dict:
    from courseware.pipeline import Options, build
    options = Options(html="--pdf-only" not in flags, pdf="--html-only" not in flags, clean="--clean" in flags)
    started = time.perf_counter()
    result = build(root, options, output)
    seconds = time.perf_counter() - started
    if result.report.errors:
        raise SystemExit("build failed:\n" + result.report.format())
    stats = result.stats
    return {"seconds": seconds, "files": len(result.files), "bytes": sum(map(len, result.files.values())),
            "pdfs": sum(1 for k in result.files if k.startswith("pdf/")),
            "pages": sum(1 for k in result.files if k.endswith(".html")),
            "rendered": len(stats.documents_rendered), "laid_out": sorted(stats.pdfs_laid_out),
            "pages_laid_out": stats.pages_laid_out,
            "reused": len(stats.pdfs_reused), "changed": len(stats.changed), **memory()}


class Captured(Exception):
    def __init__(self, jobs):
        super().__init__(f"{len(jobs)} PDF jobs")
        self.jobs = jobs


def phase_weasyprint(root: Path, output: Path, handout: str, only: list[str]) -> dict:
    """Capture the jobs the build would hand to WeasyPrint, then lay them out (all, or `only` these and
    the handout) with WeasyPrint alone."""
    import weasyprint

    from courseware import render_pdf
    from courseware.pipeline import Options, build

    def capture(jobs, roots, report, workers=None):
        raise Captured(list(jobs))

    render_pdf.render_pdfs = capture
    try:
        build(root, Options(html=False, clean=True), output)
        raise SystemExit("the build laid out no PDFs")
    except Captured as done:
        jobs = done.jobs
    times, cpus = {}, {}
    for job in [j for j in jobs if not only or j.name in only or j.name == handout]:
        started, started_cpu = time.perf_counter(), time.process_time()
        weasyprint.HTML(string=job.html, base_url=job.base_url).write_pdf(pdf_variant="pdf/ua-1")
        times[job.name] = time.perf_counter() - started
        cpus[job.name] = time.process_time() - started_cpu
    return {"all": sum(times.values()), "count": len(times), "handout": times.get(handout),
            "handout_cpu": cpus.get(handout), "largest": max(times.items(), key=lambda kv: kv[1]), **memory(),
            "cpu": sum(cpus.values())}


def memory() -> dict:
    """Peak memory of this process and of its largest child, and the CPU time both used."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rss_mb": me.ru_maxrss / 1024, "child_rss_mb": children.ru_maxrss / 1024,
            "cpu": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime}


def run(*args) -> dict:
    """Run one phase in a fresh Python process and return its figures."""
    out = subprocess.run([sys.executable, __file__, "--phase", *map(str, args)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"phase {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Courses --------------------------------------------------------------------------------------

def copy_course(target: Path, project: Path) -> Path:
    shutil.copytree(project / "modules", target / "modules")
    return target


def generate_large(target: Path, lessons: int, project: Path) -> Path:
    """The course in `project`, its modules copied until it has at least `lessons` lessons."""
    import yaml

    from courseware.scaffold import append_to_list
    copy_course(target, project)
    source = target / "modules"
    course_path = source / "course.yaml"
    folders = yaml.safe_load(course_path.read_text(encoding="utf-8"))["modules"]
    per_copy = sum(len(yaml.safe_load((source / f / "module.yaml").read_text(encoding="utf-8"))["lessons"])
                   for f in folders)
    copies = max(1, math.ceil(lessons / per_copy))
    text = course_path.read_text(encoding="utf-8")
    number = len(folders)
    for copy in range(2, copies + 1):
        for folder in folders:
            number += 1
            name = f"{number:02d}-{re.sub(r'^[0-9]+-', '', folder)}-{copy}"
            shutil.copytree(source / folder, source / name,
                            ignore=shutil.ignore_patterns("glossary*.yaml", "references*.yaml"))
            for module_file in (source / name).glob("module*.yaml"):
                module_text = module_file.read_text(encoding="utf-8")
                module_file.write_text(re.sub(r"(?m)^id:[ \t]*(\S+)", rf"id: \1-{copy}", module_text, count=1),
                                       encoding="utf-8")
            text = append_to_list(text, "modules", name)
    course_path.write_text(text, encoding="utf-8")
    return target


def lesson_to_edit(root: Path) -> tuple[Path, str]:
    """The first lesson of the course's third module (taught in the editions), and its handout's name."""
    from courseware.pages import handout_name
    from courseware.load import load_course
    from courseware.problems import Report
    course = load_course(root, Report(root))
    module = course.modules[min(2, len(course.modules) - 1)]
    return module.lessons[0].path, handout_name(module)


def count_lessons(root: Path) -> int:
    return sum(1 for p in (root / "modules").glob("*/[0-9]*.md") if not re.search(r"\.[a-z]{2,3}\.md$", p.name))


# --- The report -----------------------------------------------------------------------------------

def measure(name: str, root: Path, work: Path, thorough: bool = True, pdf: bool = True) -> list[tuple]:
    """Measure one course. `thorough`: clean HTML-only and PDF-only builds and a clean full build, and
    WeasyPrint alone on every PDF. Otherwise (the large course, to save an hour): the PDF build runs
    after the HTML build in the same output (so validation is already cached), and WeasyPrint alone
    lays out the PDFs that the one-lesson edit laid out again."""
    rows = []
    lessons = count_lessons(root)
    print(f"\n## {name}: {lessons} lessons", flush=True)

    def row(label, figures, note=""):
        memory_note = f"{figures['rss_mb']:.0f} MB" + (f" (PDF worker {figures['child_rss_mb']:.0f} MB)"
                                                        if figures.get("child_rss_mb") else "")
        line = (label, f"{figures['seconds']:.1f} s", f"{figures['cpu']:.1f} s", memory_note, note,
                f"{os.getloadavg()[0]:.1f}")
        rows.append(line)
        print(" | ".join(line), flush=True)

    output = root / "output"
    if not pdf:  # the authors' loop only: the sites, as `serve` builds them
        html = run("build", root, output, "--html-only", "--clean")
        row("full build, HTML only (clean)", html, f"{html['pages']} pages")
        same = run("build", root, output, "--html-only")
        row("rebuild, HTML only, nothing changed", same, f"{same['rendered']} Markdown files rendered")
        lesson, _ = lesson_to_edit(root)
        with lesson.open("a", encoding="utf-8") as f:
            f.write(EDIT)
        edited = run("build", root, output, "--html-only")
        row("rebuild after a one-lesson edit, HTML only (serve)", edited,
            f"{edited['rendered']} Markdown file rendered, {edited['changed']} files changed")
        return rows
    if thorough:
        html = run("build", root, work / "html-only", "--html-only", "--clean")
        row("full build, HTML only (clean)", html, f"{html['pages']} pages")
        pdf = run("build", root, work / "pdf-only", "--pdf-only", "--clean")
        row("full build, PDF only (clean)", pdf, f"{pdf['pdfs']} PDFs, {pdf['pages_laid_out']} pages laid out")
        full = run("build", root, output, "--clean")
        row("full build, HTML and PDF (clean)", full, f"{full['files']} files, {full['bytes'] / 1e6:.1f} MB")
    else:
        html = run("build", root, output, "--html-only", "--clean")
        row("full build, HTML only (clean)", html, f"{html['pages']} pages")
        pdf = run("build", root, output, "--pdf-only")
        row("full build, PDF only (after the HTML build)", pdf, f"{pdf['pdfs']} PDFs")
    same = run("build", root, output)
    row("rebuild, nothing changed", same, f"{same['rendered']} Markdown files rendered, "
                                          f"{len(same['laid_out'])} PDFs laid out")
    lesson, handout = lesson_to_edit(root)
    with lesson.open("a", encoding="utf-8") as f:
        f.write(EDIT)
    edited = run("build", root, output)
    row("rebuild after a one-lesson edit", edited,
        f"{edited['rendered']} Markdown file rendered, {len(edited['laid_out'])} of "
        f"{len(edited['laid_out']) + edited['reused']} PDFs laid out, {edited['pages_laid_out']} pages "
        f"({', '.join(edited['laid_out'])})")
    with lesson.open("a", encoding="utf-8") as f:
        f.write(EDIT.replace("added", "added again"))
    serve_like = run("build", root, output, "--html-only")
    row("rebuild after a one-lesson edit, HTML only (serve)", serve_like,
        f"{serve_like['rendered']} Markdown file rendered, {serve_like['changed']} files changed")
    only = [] if thorough else edited["laid_out"]
    alone = run("weasyprint", root, work / "weasyprint", handout, *only)
    cores = os.cpu_count() or 1
    alone["seconds"] = alone["all"]
    which = "all PDFs" if thorough else "the PDFs the edit laid out again"
    row(f"WeasyPrint alone, {which}, one after another", alone,
        f"{alone['count']} PDFs; / {cores} cores = {alone['all'] / cores:.1f} s; largest: "
        f"{alone['largest'][0]} {alone['largest'][1]:.1f} s")
    alone["seconds"], alone["cpu"] = alone["handout"] or 0.0, alone["handout_cpu"] or 0.0
    row(f"WeasyPrint alone, the edited lesson's handout ({handout})", alone)
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lessons", type=int, default=200, help="lessons in the generated large course")
    p.add_argument("--skip-shipped", action="store_true")
    p.add_argument("--skip-large", action="store_true")
    p.add_argument("--thorough-large", action="store_true",
                   help="measure the large course like the shipped one (clean PDF-only build, WeasyPrint on every PDF)")
    p.add_argument("--no-pdf", action="store_true", help="measure the HTML steps only (minutes, not an hour)")
    p.add_argument("--course", type=Path, default=TOOL, help="project whose modules/ to measure (default: the shipped course)")
    p.add_argument("--phase", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.phase:
        kind, root, output, *rest = args.phase
        figures = (phase_build(Path(root), Path(output), rest) if kind == "build"
                   else phase_weasyprint(Path(root), Path(output), rest[0], rest[1:]))
        print(json.dumps(figures))
        return 0
    print(f"# Benchmark: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print("step | wall time | CPU time | peak memory | notes | load average after")
    with tempfile.TemporaryDirectory(prefix="courseware-bench-") as tmp:
        tmp = Path(tmp)
        if not args.skip_shipped:
            measure("Shipped course", copy_course(tmp / "shipped", args.course), tmp / "shipped-work",
                    pdf=not args.no_pdf)
        if not args.skip_large:
            measure("Generated large course", generate_large(tmp / "large", args.lessons, args.course),
                    tmp / "large-work", thorough=args.thorough_large, pdf=not args.no_pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
