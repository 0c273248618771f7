"""Incremental builds: after any sequence of edits, a rebuild is byte-identical to a clean build, and a
one-lesson edit renders only that lesson again and lays out only the PDFs that contain it."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from courseware import cache, store
from courseware.pipeline import Options, build

TINY = Path(__file__).resolve().parent / "courses" / "tiny"


def tree(folder: Path) -> dict[str, bytes]:
    """Every output file (the manifest and caches aside), by path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(TINY / "modules", root / "modules")
    return root


def rebuild_and_compare(root: Path, tmp_path: Path, step: str, **options):
    """Build incrementally into root/output and afresh into a new folder; both must agree exactly."""
    incremental = build(root, Options(**options))
    fresh_out = tmp_path / f"fresh-{step}"
    fresh = build(root, Options(clean=True, **options), fresh_out)
    assert incremental.report.format() == fresh.report.format(), step
    assert not incremental.report.errors, incremental.report.format()
    got, want = tree(root / "output"), tree(fresh_out)
    assert sorted(got) == sorted(want), f"{step}: different files"
    different = [name for name in want if got[name] != want[name]]
    assert not different, f"{step}: incremental build differs from a clean build in {different}"
    return incremental


def test_sequence_of_edits_renames_and_deletions_matches_clean_builds(project, tmp_path):
    m = project / "modules"
    lesson1, lesson2 = m / "01-basics" / "01-first-steps.md", m / "01-basics" / "02-second-steps.md"
    steps = [
        ("initial", lambda: None),
        ("edit a lesson body", lambda: edit(lesson1, "Compare with another group.",
                                            "Compare with another group, then with the whole room.")),
        ("edit a lesson title", lambda: edit(lesson2, "title:", "title: Practice,")),
        ("edit the glossary, references and course.yaml", lambda: (
            edit(m / "glossary.yaml", "definition:", "definition: Newly defined,"),
            edit(m / "references.yaml", "title:", "title: Revised"),
            edit(m / "course.yaml", "title: Tiny course", "title: Tiny course, revised"))),
        ("change an image", lambda: (m / "01-basics" / "images" / "map.png").write_bytes(
            (TINY / "modules" / "01-basics" / "images" / "map.png").read_bytes() + b"\0")),
        ("rename a lesson", lambda: (
            lesson2.rename(m / "01-basics" / "02-practice.md"),
            edit(m / "01-basics" / "module.yaml", "02-second-steps.md", "02-practice.md"),
            edit(m / "course.yaml", "basics/second-steps", "basics/practice"),
            edit(lesson1, "02-second-steps.md#practice", "02-practice.md#practice"))),
        ("rename a module folder", lambda: (
            (m / "01-basics").rename(m / "01-foundations"),
            edit(m / "course.yaml", "modules: [01-basics]", "modules: [01-foundations]"))),
        ("delete a lesson", lambda: (
            (m / "01-foundations" / "02-practice.md").unlink(),
            edit(m / "01-foundations" / "module.yaml", "  - 02-practice.md\n", ""),
            edit(m / "course.yaml", "          - lesson: basics/practice\n", "          - session: Practice\n"),
            edit(m / "01-foundations" / "01-first-steps.md", "[next lesson](02-practice.md#practice)",
                 "next lesson"))),
    ]
    seen_pages = set()
    for name, change in steps:
        change()
        result = rebuild_and_compare(project, tmp_path, name)
        seen_pages |= set(result.files)
        if name == "delete a lesson":
            assert not any("practice.html" in path for path in tree(project / "output")), \
                "the deleted lesson's pages must be removed"
            assert any("practice.html" in path for path in seen_pages)
            assert any("practice.html" in path for path in result.stats.removed)


def pdf_text(files: dict, name: str) -> str:
    from pypdf import PdfReader
    data = next(data for path, data in files.items() if path.startswith("pdf/") and path.endswith("/" + name))
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def lesson_outputs(files, lesson_id):
    return {path for path in files if path.endswith(f"/{lesson_id}.html")}


def test_one_lesson_edit_renders_only_that_lesson_and_its_pdfs(project, tmp_path):
    first = build(project, Options())
    assert not first.report.errors, first.report.format()
    assert first.stats.pdfs_reused == [] and first.stats.pdfs_laid_out
    lesson = project / "modules" / "01-basics" / "01-first-steps.md"
    edit(lesson, "Compare with another group.", "Compare with another group and discuss.")
    second = build(project, Options())
    assert not second.report.errors
    stats = second.stats
    assert stats.documents_rendered == [str(lesson)], "only the edited lesson's Markdown is rendered again"
    # Exactly the PDFs that hold the lesson (their text has its activity) are laid out again; the course reader
    # holds it too, but is put together from the handouts, and the facilitator guide from its parts, of which
    # only the session that teaches the lesson is laid out again: their fronts (cover and contents) could be laid
    # out again only if a page number in their contents had changed (the edit changes none).
    documents = {name for name in first.stats.pdfs_laid_out if any(path.endswith("/" + name) for path in first.files)}
    parts = set(first.stats.pdfs_laid_out) - documents
    assert {"course-reader.front.pdf", "facilitator-guide-one-day.front.pdf"} <= parts
    holding = {name for name in documents if "Put the cards in order" in pdf_text(first.files, name)}
    assert holding and any(name.startswith("handout") for name in holding)
    holding.add("facilitator-guide-one-day.day-1-session-1.pdf")  # the guide's part of the session
    assert set(stats.pdfs_laid_out) == holding
    assert set(stats.pdfs_reused) == set(first.stats.pdfs_laid_out) - holding
    for book in ("course-reader.pdf", "facilitator-guide-one-day.pdf"):
        assert "Compare with another group and discuss." in pdf_text(second.files, book)
    pages = lesson_outputs(second.files, "first-steps")
    assert pages and pages <= set(stats.changed)
    assert not lesson_outputs(stats.changed, "second-steps"), "other lessons' pages are unchanged"
    # Nothing edited: nothing rendered, nothing laid out, nothing changed.
    third = build(project, Options())
    assert third.stats.documents_rendered == [] and third.stats.pdfs_laid_out == []
    assert third.stats.changed == [] and third.stats.removed == []


def test_pdfs_not_holding_the_edited_lesson_are_not_laid_out_again(project, tmp_path):
    # A second module: its handout does not contain the edited lesson.
    m = project / "modules"
    shutil.copytree(m / "01-basics", m / "02-more")
    edit(m / "02-more" / "module.yaml", "id: basics", "id: more")
    edit(m / "course.yaml", "modules: [01-basics]", "modules: [01-basics, 02-more]")
    first = build(project, Options())
    assert not first.report.errors, first.report.format()
    handouts = sorted(name for name in first.stats.pdfs_laid_out if name.startswith("handout"))
    assert len(handouts) == 2
    edit(m / "02-more" / "01-first-steps.md", "Compare with another group.", "Compare with the next group.")
    second = build(project, Options())
    assert second.stats.documents_rendered == [str(m / "02-more" / "01-first-steps.md")]
    laid_out = second.stats.pdfs_laid_out
    assert [n for n in laid_out if n.startswith("handout")] == [n for n in handouts if "more" in n]
    assert not any("guide" in n for n in laid_out), "the module is in no edition, so no guide changes"
    assert any(n.startswith("handout") and "basics" in n for n in second.stats.pdfs_reused)


def test_manifest_records_sources_outputs_and_builder(project):
    result = build(project, Options())
    manifest = json.loads((project / "output" / cache.MANIFEST).read_text())
    assert manifest["builder"] == cache.builder_version()
    assert manifest["config"] == {"html": True, "pdf": True, "lms": True, "readers": True, "module": None,
                                  "SOURCE_DATE_EPOCH": None,
                                  "participants": False}
    lesson = project / "modules" / "01-basics" / "01-first-steps.md"
    assert manifest["sources"]["modules/01-basics/01-first-steps.md"] == cache.file_hash(lesson)
    assert "templates/pdf/print.css" in manifest["templates"]
    assert set(manifest["outputs"]) == set(result.files)
    for path, entry in manifest["outputs"].items():
        assert entry["sha256"] == cache.hashlib.sha256((project / "output" / path).read_bytes()).hexdigest()
    # The FileStore: each PDF laid out, each book put together from them (the course reader, the facilitator
    # guide), and the ZIM file and EPUB books of each language (one index of names, and the files).
    kinds = {}
    for key in manifest["files"]:
        kinds.setdefault(key.split("-")[0] if key.startswith(("book-", "files-", "file-")) else "pdf", []).append(key)
    assert len(kinds["book"]) == 2 and len(kinds["files"]) == 1
    assert len(kinds["file"]) == sum(1 for name in result.files if name.endswith((".zim", ".epub")))
    assert len(kinds["pdf"]) == len(result.stats.pdfs_laid_out)
    stored = project / "output" / cache.CACHE / cache.FILES
    assert sorted(p.name for p in stored.iterdir()) == sorted(
        f"{key}.data" if key in kinds["files"] + kinds["file"] else f"{key}.pdf" for key in manifest["files"])


def test_the_store_of_an_older_builder_is_removed(project, tmp_path):
    """Builders before cache.FORMAT 4 kept the PDFs, ZIM and EPUB files in output/.cache/pdf/: the next build
    neither reads it nor leaves it behind (files nobody checks, megabytes nobody uses), and builds what a clean
    build does."""
    build(project, Options())
    folder = project / "output" / cache.CACHE
    (folder / cache.FILES).rename(folder / "pdf")  # the store and manifest as an older builder left them
    manifest = json.loads((project / "output" / cache.MANIFEST).read_text())
    manifest.update(format=3, pdfs=manifest.pop("files"))
    (project / "output" / cache.MANIFEST).write_text(json.dumps(manifest))
    result = rebuild_and_compare(project, tmp_path, "older store")
    assert result.stats.pdfs_reused == [] and result.stats.files_reused == 0, "the old folder is not read"
    assert not (folder / "pdf").exists()
    assert any(p.suffix == ".pdf" for p in (folder / cache.FILES).iterdir())


def test_failed_build_keeps_output_manifest_and_caches(project, tmp_path):
    build(project, Options())
    output = project / "output"
    before = {p: p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
    edit(project / "modules" / "01-basics" / "01-first-steps.md", "checks: [1]", "checks: [9]")
    failed = build(project, Options())
    assert failed.report.errors and failed.stats is None
    after = {p: p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}
    assert after == before, "a failed build changes nothing in output/, manifest and caches included"
    edit(project / "modules" / "01-basics" / "01-first-steps.md", "checks: [9]", "checks: [1]")
    rebuild_and_compare(project, tmp_path, "fixed")


def test_cache_is_used_and_clean_ignores_it(project):
    """Tamper with the render cache: a normal build takes from it, a --clean build does not."""
    build(project, Options(pdf=False))
    path = project / "output" / cache.CACHE / cache.RENDERS
    data = path.read_bytes()
    assert b"Put the cards in order." in data
    path.write_bytes(data.replace(b"Put the cards in order.", b"TAMPERED WITH"))
    build(project, Options(pdf=False))
    page = next(p for p in (project / "output" / "html").rglob("first-steps.html"))
    assert "TAMPERED WITH" in page.read_text(encoding="utf-8")
    build(project, Options(pdf=False, clean=True))
    assert "TAMPERED WITH" not in page.read_text(encoding="utf-8")
    assert "Put the cards in order." in page.read_text(encoding="utf-8")


def test_other_builder_version_ignores_the_caches(project, monkeypatch):
    first = build(project, Options(pdf=False))
    assert len(first.stats.documents_rendered) == 3  # two lessons and home.md
    assert build(project, Options(pdf=False)).stats.documents_rendered == []
    cache.builder_version.cache_clear()
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1000)
    try:
        result = build(project, Options(pdf=False))
        assert result.stats.documents_rendered == first.stats.documents_rendered
    finally:
        monkeypatch.undo()
        cache.builder_version.cache_clear()


def test_check_reports_the_same_problems_from_a_warm_cache(project, run):
    lesson = project / "modules" / "01-basics" / "02-second-steps.md"
    build(project, Options())
    cold_code, cold_out, cold_err = run("check", "--root", project, "--clean")
    warm_code, warm_out, warm_err = run("check", "--root", project)
    assert (cold_code, cold_out, cold_err) == (warm_code, warm_out, warm_err)
    edit(lesson, "## ", "## Broken [@no-such-reference] ")
    cold = run("check", "--root", project, "--clean")
    warm = run("check", "--root", project)
    assert cold == warm and cold[0] == 1 and "no-such-reference" in cold[2]


def test_pure_functions_are_kept_between_builds(tmp_path):
    from courseware import fonts
    from courseware.pipeline import TOOL_ROOT
    font = TOOL_ROOT / "fonts" / "NotoSans-Regular.ttf"
    hello, other = frozenset(map(ord, "Hello")), frozenset(map(ord, "Other"))
    output = tmp_path / "output"
    with cache.session(output) as session:
        first = fonts.subset_woff2(font, hello)
        assert (session.functions.hits, session.functions.misses) == (0, 1)
        session.finish(tmp_path, {}, {}, False, TOOL_ROOT / "templates")
    with cache.session(output) as session:  # a new build, in a new session: only the saved cache is shared
        again = fonts.subset_woff2(font, hello)
        fonts.subset_woff2(font, other)
        assert (session.functions.hits, session.functions.misses) == (1, 1), \
            "the second build took the first subset from the cache and cut only the new one"
    assert again == first and first.startswith(b"wOF2")


def test_caches_are_installed_through_hooks_not_by_replacing_functions(tmp_path):
    """The session routes renders and subsets through markup's and fonts' cache hooks: the module
    functions stay what they are, and a reference taken before the build is cached all the same."""
    from courseware import fonts, markup
    from courseware.markup import render as render_taken_early
    from courseware.pipeline import TOOL_ROOT
    from courseware.problems import Report
    render, subset = markup.render, fonts.subset_woff2
    ctx = markup.RenderContext(references={}, glossary={})
    with cache.session(tmp_path / "output") as session:
        assert markup.render is render and fonts.subset_woff2 is subset
        for _ in range(2):
            out = render_taken_early("Some *text*.", path="<inline>", report=Report(tmp_path), ctx=ctx)
        assert (session.memo.misses, session.memo.hits) == (1, 1)
        assert out.html == markup.convert("Some *text*.", path="<inline>", report=Report(tmp_path), ctx=ctx,
                                          audience="trainee", medium="web", offset=0, expand_terms=True).html
    # Outside a build, nothing is cached.
    render_taken_early("Some *text*.", path="<inline>", report=Report(tmp_path), ctx=ctx)
    assert (session.memo.misses, session.memo.hits) == (1, 1)


def test_concurrent_builds_each_use_their_own_caches(tmp_path):
    """Two builds in two threads (say `serve` and a test) never render through each other's caches."""
    import threading

    from courseware import markup
    from courseware.problems import Report
    ctx = markup.RenderContext(references={}, glossary={})
    both_open, a_rendered = threading.Barrier(2), threading.Event()
    memos, errors = {}, []

    def one_build(name, renders):
        try:
            with cache.session(tmp_path / name) as session:
                memos[name] = session.memo
                both_open.wait(timeout=30)  # both sessions are open now
                if name == "b":
                    a_rendered.wait(timeout=30)
                for n in range(renders):
                    markup.render(f"Text {name} {n}.", path="<inline>", report=Report(tmp_path), ctx=ctx)
                if name == "a":
                    a_rendered.set()
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=one_build, args=("a", 3)), threading.Thread(target=one_build, args=("b", 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert (memos["a"].misses, memos["b"].misses) == (3, 1)


def test_partial_builds_do_not_pile_up_old_renders(project):
    """`serve` makes HTML-only builds after every save: earlier renders of an edited file are dropped."""
    lesson = project / "modules" / "01-basics" / "01-first-steps.md"
    path = project / "output" / cache.CACHE / cache.RENDERS

    def renders_of_lesson():
        from courseware.pipeline import TOOL_ROOT
        entries = store.loads(path.read_bytes(), store.Places([project, TOOL_ROOT]))
        return sum(len(v) for v in entries.values() if v[0].source == str(lesson))

    build(project, Options(pdf=False))
    first = renders_of_lesson()
    assert first >= 2  # validation and the two sites
    for n in range(3):
        edit(lesson, "Compare with another group", f"Compare with another group ({n})")
        result = build(project, Options(pdf=False))
        assert result.stats.documents_rendered == [str(lesson)]
        assert renders_of_lesson() == first


def stamps(folder: Path) -> dict[str, tuple]:
    """Every file and folder under `folder`, hidden ones included, with its inode and modification time."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


def test_an_unchanged_build_touches_nothing(project):
    """Nothing changed since the last build: no file in output/ is written again, caches and manifest included."""
    build(project, Options())
    before = stamps(project / "output")
    assert any(name.endswith(".pdf") for name in before) and ".manifest.json" in before
    result = build(project, Options())
    assert not result.report.errors and result.stats.changed == []
    assert stamps(project / "output") == before


def test_caches_are_data_and_survive_a_move(project, tmp_path):
    """The caches hold no pickle (a shared output folder must not be able to run code) and name files from the
    project's root: a moved or copied project (a CI checkout, a renamed folder) renders and lays out nothing again."""
    first = build(project, Options())
    assert first.stats.pdfs_laid_out and first.stats.documents_rendered
    for path in (project / "output").rglob("*"):
        if path.is_file() and not path.suffix == ".pdf":
            assert not path.read_bytes().startswith(b"\x80"), f"{path} looks like a pickle"
    for name in (cache.RENDERS, cache.FUNCTIONS):
        data = (project / "output" / cache.CACHE / name).read_bytes()
        json.loads(data)
        assert str(project).encode() not in data, f"{name} names the project's folder"
    moved = tmp_path / "elsewhere" / "renamed"
    shutil.copytree(project, moved)
    shutil.rmtree(project)
    again = build(moved, Options())
    assert not again.report.errors, again.report.format()
    assert again.stats.documents_rendered == [] and again.stats.pdfs_laid_out == []
    assert again.stats.changed == []
    fresh = build(moved, Options(clean=True), tmp_path / "fresh")
    got, want = tree(moved / "output"), tree(tmp_path / "fresh")
    assert sorted(got) == sorted(want) and all(got[k] == want[k] for k in want), \
        "the moved project's output is what a clean build there makes"


def test_the_render_cache_is_read_when_asked_and_written_back_unconverted(project):
    """An edit build reads back only the renders it uses (store.Kept) and writes the others in the form it read
    them; the file it writes is the one a full conversion would write, and an entry that cannot be read back
    (a kind this builder does not know) is rendered again, never a failure."""
    from courseware.pipeline import TOOL_ROOT
    build(project, Options(pdf=False))
    path = project / "output" / cache.CACHE / cache.RENDERS
    places = store.Places([project, TOOL_ROOT])
    kept = store.read_kept(path.read_bytes(), places)
    keys = list(kept)
    assert len(keys) > 10 and not kept._objects  # nothing read back yet
    some = kept[keys[0]]
    assert kept.plain_of(some) is not None and kept.plain_of(some[0]) is not None
    assert kept.plain_of(list(some)) is None  # another object, even an equal one, has no stored form
    everything = store.loads(path.read_bytes(), places)
    half = {k: kept[k] if i % 2 else everything[k] for i, k in enumerate(keys)}  # half of them unconverted
    assert cache._dump_entries(half, places, kept) == cache._dump_entries(everything, places) == path.read_bytes()
    # An entry of an unknown kind: that entry is forgotten, the others are read.
    data = json.loads(path.read_bytes())
    data[keys[1]][0]["kind"] = "NoSuchKind"
    broken = store.read_kept(json.dumps(data).encode(), places)
    assert broken.get(keys[1], "absent") == "absent" and keys[1] not in broken
    assert len(broken.items()) == len(keys) - 1
    path.write_text(json.dumps(data), encoding="utf-8")
    lesson = project / "modules" / "01-basics" / "01-first-steps.md"
    edit(lesson, "Compare with another group", "Compare with one other group")
    assert build(project, Options(pdf=False)).report.errors == []
