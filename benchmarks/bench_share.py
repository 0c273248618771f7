#!/usr/bin/env python3
"""Benchmark the share stage's downloads (issue 14): the whole trainee site's zip, and per language a zip of its
site with its handouts and a lite one without PDFs.

    .venv/bin/python build.py --output /tmp/out                  # a full build first: the handouts are real PDFs
    .venv/bin/python benchmarks/bench_share.py --output /tmp/out
    .venv/bin/python benchmarks/bench_share.py --output /tmp/out --course DIR   # a course other than modules/

From that build's trainee site (output/html, handouts included), in this one process, it times with the build's
own functions:

- the share stage as a build runs it (package.package: the zips, the single-file modules in every language, the
  page-weight report);
- in it, the whole site's zip alone, then the downloads of every language (the same Zipper: each distinct file
  deflated once), which is what the downloads add to a full build;
- the handout PDFs deflated (what the Zipper keeps when it is smaller) against stored as they are.

It prints the CPU time of each and the size of every download.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE.parent
sys.path.insert(0, str(TOOL))


def cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--output", type=Path, required=True, help="output folder of a full build (build.py --output)")
    p.add_argument("--course", type=Path, default=TOOL, help="project whose modules/ that build was made from")
    args = p.parse_args()
    from courseware import languages
    from courseware.load import load_course
    from courseware.package import download_name, language_downloads, package, slug
    from courseware.problems import Report
    from courseware.render_html import SiteRenderer
    from courseware.zipper import Zipper

    report = Report(args.course)
    course = load_course(args.course, report)
    if course is None:
        raise SystemExit(report.format())
    versions = languages.translate_all(course, report)
    html = args.output / "html"
    files = {f"html/{path.relative_to(html).as_posix()}": path.read_bytes()
             for path in sorted(html.rglob("*")) if path.is_file()}
    pdfs = {path: data for path, data in files.items() if path.endswith(".pdf")}
    if not pdfs:
        raise SystemExit(f"{html}: no handout PDFs; give the output folder of a full build (build.py --output)")
    print(f"# Share stage: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"trainee site: {len(files)} files, {sum(map(len, files.values())) / 1e6:.1f} MB, of which "
          f"{len(pdfs)} handout PDFs, {sum(map(len, pdfs.values())) / 1e6:.1f} MB")

    templates = TOOL / "templates"
    started, cpu0 = time.perf_counter(), cpu()
    shared, _ = package(course, templates, files, report, share=True, versions=versions)
    stage = (time.perf_counter() - started, cpu() - cpu0)

    name = slug(course.title) or "course"
    site = {path[len("html/"):]: data for path, data in files.items()}
    zipper = Zipper(course.release_date)
    cpu0 = cpu()
    whole = zipper.zip(site, name)
    cpu1 = cpu()
    for lang, (version, lang_report) in versions.items():
        renderer = SiteRenderer(version, templates, "trainee")
        languages.install(renderer.env, version, lang, lang_report)
        language_downloads(files, lang, version, renderer, zipper, name, report)
    cpu2 = cpu()

    cpu3 = cpu()
    deflated = 0
    for data in pdfs.values():
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        deflated += min(len(data), len(packer.compress(data) + packer.flush()))
    pdf_cpu = cpu() - cpu3
    stored = sum(map(len, pdfs.values()))

    print("\nstep | wall time | CPU time")
    print(f"share stage (package.package: zips, single-file modules, report) | {stage[0]:.1f} s | {stage[1]:.1f} s")
    print(f"  the whole site's zip ({len(site)} files) | | {cpu1 - cpu0:.2f} s")
    print(f"  then the {2 * len(versions)} downloads of {len(versions)} languages | | {cpu2 - cpu1:.2f} s")
    print(f"handout PDFs deflated: {deflated / 1e6:.2f} MB against {stored / 1e6:.2f} MB stored "
          f"({100 * (stored - deflated) / stored:.1f} % less), {pdf_cpu:.2f} s CPU")
    print(f"load average after: {os.getloadavg()[0]:.1f}\n\nfile | size")
    print(f"share/{name}-site.zip | {len(whole) / 1e6:.2f} MB")
    for lang in versions:
        for lite in (False, True):
            file = download_name(name, lang, lite)
            print(f"share/{file} | {len(shared[f'share/{file}']) / 1e6:.2f} MB")
    assert shared[f"share/{name}-site.zip"] == whole, "the stage and this measure zip the same site"
    return 0


if __name__ == "__main__":
    sys.exit(main())
