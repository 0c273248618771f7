#!/usr/bin/env python3
"""The builder side by side with its references, in one run, on this machine (issue 14's goals):

    .venv/bin/pip install -e '.[bench]'            # MkDocs and MkDocs Material, for this benchmark only
    .venv/bin/python benchmarks/compare.py           # about 2 minutes with a warm output/ (see below)
    .venv/bin/python benchmarks/compare.py --runs 5  # more runs per figure (the median is printed)
    .venv/bin/python benchmarks/compare.py --check-only  # mkdocs and the two cold checks: a minute, no build
    .venv/bin/python benchmarks/compare.py --no-full-build  # and the HTML of one language: two minutes

What it measures, each step in a fresh process (as an author would run it), median of --runs:

| our step | its reference |
|---|---|
| `build.py check` (read and validate the whole course, five languages) | `mkdocs build` with Material of the same Markdown: the five languages' (each an MkDocs site; the English where a part is not translated, as our sites show it): goal at most 0.7x; and, stricter, against the English site alone |
| a full build (sites, PDFs, packages) with nothing changed | the same `mkdocs build`: goal no slower |
| the HTML of one language, trainee and facilitator sites, from a clean start, per page | `mkdocs build` with Material, per page |

The MkDocs project is made in a temporary folder from the course's own English Markdown: home.md as the index,
each module's overview as a page, and the 30 lessons (front matter moved into MkDocs' meta), with
`pymdownx` blocks and the same Markdown extensions we use where MkDocs has them. Our custom blocks are read by
MkDocs as plain text: it does less work than we do per page, which makes it a strict reference.

The unchanged-build step needs a previous full build: the script copies `output/` (whose caches are
relocatable) into its temporary project when there is one, and otherwise makes one full build first
(10 minutes on two cores). CPU times (user + system, of the process and its children) are printed beside the
wall times: on a shared machine the CPU time is the figure to compare.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOOL = HERE.parent
PY = sys.executable
LANGUAGES = ("en", "km", "my", "th", "vi")


def timed(cmd: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of `cmd`, each run a fresh process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}")
    return statistics.median(walls), statistics.median(cpus)


def translated(path: Path, lang: str) -> Path:
    """`path`'s translation into `lang` (name.<lang>.ext beside it) where there is one, else `path`: the Markdown
    a site in that language shows."""
    if lang == "en":
        return path
    other = path.with_name(f"{path.stem}.{lang}{path.suffix}")
    return other if other.is_file() else path


def mkdocs_project(course: Path, folder: Path, lang: str = "en") -> int:
    """An MkDocs Material project with the course's Markdown in `lang` (English where a part is not translated,
    as our sites show it); returns its number of pages."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(translated(course / "home.md", lang).read_text(encoding="utf-8"), encoding="utf-8")
    nav, pages = [{"Home": "index.md"}], 1
    import yaml
    for module_dir in sorted(p for p in course.iterdir() if (p / "module.yaml").is_file()):
        module = yaml.safe_load((module_dir / "module.yaml").read_text(encoding="utf-8"))
        module.update(yaml.safe_load(translated(module_dir / "module.yaml", lang).read_text(encoding="utf-8")) or {})
        (docs / module_dir.name).mkdir()
        overview = f"# {module['title']}\n\n{module.get('summary', '')}\n\n" + "".join(
            f"- {o}\n" for o in module.get("objectives", []))
        (docs / module_dir.name / "index.md").write_text(overview, encoding="utf-8")
        entries = [{"Overview": f"{module_dir.name}/index.md"}]
        pages += 1
        for lesson in module["lessons"]:
            text = translated(module_dir / lesson, lang).read_text(encoding="utf-8")
            m = re.match(r"---\n(.*?)\n---\n", text, re.S)
            meta = yaml.safe_load(m.group(1)) if m else {}
            body = text[m.end():] if m else text
            front = "---\n" + yaml.safe_dump({"title": meta.get("title", lesson)}, allow_unicode=True) + "---\n"
            (docs / module_dir.name / lesson).write_text(front + f"# {meta.get('title', lesson)}\n\n" + body,
                                                        encoding="utf-8")
            entries.append({meta.get("title", lesson): f"{module_dir.name}/{lesson}"})
            pages += 1
        nav.append({module["title"]: entries})
    config = {"site_name": "Advocacy with ASEAN", "theme": {"name": "material"}, "nav": nav,
              "markdown_extensions": ["tables", "sane_lists", "smarty", {"toc": {"permalink": False}},
                                      "pymdownx.blocks.admonition", "pymdownx.blocks.details"],
              "plugins": ["search"]}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return pages


def english_only(project: Path) -> None:
    course = project / "modules" / "course.yaml"
    text = course.read_text(encoding="utf-8")
    course.write_text(re.sub(r"(?m)^languages:.*$", "languages: [en]", text), encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--check-only", action="store_true",
                   help="measure mkdocs and the cold checks only (five languages, English), not the builds")
    p.add_argument("--no-full-build", action="store_true",
                   help="all but the rows that need a full build (the unchanged build and the check after it)")
    args = p.parse_args(argv)
    try:
        import mkdocs  # noqa: F401
        import material  # noqa: F401
    except ImportError:
        raise SystemExit("install the references first: .venv/bin/pip install -e '.[bench]'")
    with tempfile.TemporaryDirectory(prefix="compare-") as tmp:
        tmp = Path(tmp)
        project = tmp / "course"
        shutil.copytree(TOOL / "modules", project / "modules")
        mk = tmp / "mkdocs"
        pages = mkdocs_project(project / "modules", mk)
        build = [PY, str(TOOL / "build.py"), "--root", str(project)]
        mkdocs = [PY, "-m", "mkdocs", "build", "--quiet", "--clean", "--site-dir", str(tmp / "site")]
        rows = []

        mk_wall, mk_cpu = timed(mkdocs, mk, args.runs)
        rows.append(("mkdocs build, Material (reference)", f"{pages} pages", mk_wall, mk_cpu, None))

        # The five languages' Markdown, each language an MkDocs site (translated parts, English elsewhere): the
        # reference for `check`, which reads and validates all five.
        five_wall = five_cpu = 0.0
        five_pages = 0
        for lang in LANGUAGES:
            site = tmp / f"mkdocs-{lang}"
            five_pages += mkdocs_project(project / "modules", site, lang)
            wall, cpu = timed(mkdocs[:-1] + [str(tmp / f"site-{lang}")], site, args.runs)
            five_wall, five_cpu = five_wall + wall, five_cpu + cpu
        rows.append(("mkdocs build, Material, five languages (reference)", f"{five_pages} pages", five_wall,
                     five_cpu, None))
        check = timed(build + ["check"], project, args.runs)
        rows.append(("build.py check, 5 languages, no earlier build", "goal <= 0.7x mkdocs 5", *check,
                     check[1] / five_cpu))
        rows.append(("  the same, against the English mkdocs build", "", *check, check[1] / mk_cpu))

        if not (args.check_only or args.no_full_build):
            _unchanged(build, project, mk_cpu, args.runs, rows)

        english = tmp / "english"
        shutil.copytree(TOOL / "modules", english / "modules")
        english_only(english)
        check_en = timed([PY, str(TOOL / "build.py"), "--root", str(english), "check"], english, args.runs)
        rows.append(("build.py check, English only (the same Markdown)", "goal <= 0.7x mkdocs", *check_en,
                     check_en[1] / mk_cpu))
        if args.check_only:
            return _print(rows, args.runs)
        html = [PY, str(TOOL / "build.py"), "--root", str(english), "--html-only", "--clean"]
        wall, cpu = timed(html, english, args.runs)
        ours = sum(1 for _ in (english / "output" / "html").rglob("*.html")) + \
            sum(1 for _ in (english / "output" / "facilitator").rglob("*.html"))
        rows.append(("HTML of one language, clean (trainee + facilitator)", f"{ours} pages", wall, cpu, None))
        per_ours, per_mk = cpu / ours * 1000, mk_cpu / pages * 1000
        rows.append(("  per page: ours / mkdocs Material", f"{per_ours:.0f} / {per_mk:.0f} ms CPU",
                     wall / ours, cpu / ours, per_ours / per_mk))

    return _print(rows, args.runs)


def _unchanged(build: list[str], project: Path, mk_cpu: float, runs: int, rows: list) -> None:
    """The full build with nothing changed, and `check` after it."""
    if (TOOL / "output" / ".manifest.json").is_file():
        shutil.copytree(TOOL / "output", project / "output", symlinks=True)
        note = "output/ copied from the project"
    else:
        timed(build, project, 1)
        note = "after one full build"
    timed(build, project, 1)  # settle: the copy's first build may refresh what the last one did not write
    unchanged = timed(build, project, runs)
    rows.append((f"full build, nothing changed ({note})", "goal <= 1x mkdocs", *unchanged, unchanged[1] / mk_cpu))
    again = timed(build + ["check"], project, runs)
    rows.append(("build.py check, nothing changed since that build", "goal <= 0.7x mkdocs", *again,
                 again[1] / mk_cpu))


def _print(rows: list, runs: int) -> int:
    print(f"{'step':58} {'':>24} {'wall s':>8} {'CPU s':>8} {'ratio':>7}")
    for name, what, wall, cpu, ratio in rows:
        r = f"{ratio:.2f}x" if ratio is not None else ""
        print(f"{name:58} {what:>24} {wall:8.2f} {cpu:8.2f} {r:>7}")
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; ratios are of CPU time; "
          f"{runs} runs each, medians")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
