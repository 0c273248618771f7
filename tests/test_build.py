"""The build as a trainer runs it: exit codes, output contract, determinism, safety, nothing lost on failure."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import COURSES, LESSON, minimal_course
from courseware.fetch import ProjectFetcher, ResourceError
from courseware.write import UnsafeOutputPath, write


def tree_digest(folder: Path) -> dict:
    """Every file, the manifest and caches included; not .stamps.json, which records when files were written."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".stamps.json"}


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory):
    """Build the tiny course once into a temporary output folder."""
    from courseware.cli import main
    out = tmp_path_factory.mktemp("tiny") / "output"
    assert main(["--root", str(COURSES / "tiny"), "--output", str(out), "--jobs", "1"]) == 0
    return out


def test_help_and_usage_errors(run):
    code, out, _ = run("--help")
    assert code == 0 and "check" in out and "--html-only" in out
    code, _, err = run("--no-such-option")
    assert code == 2 and "unrecognized arguments" in err
    code, _, err = run("--root", COURSES / "tiny", "--module", "nope")
    assert code == 2 and "no module 'nope'" in err


def test_output_contract(tiny_build):
    assert (tiny_build / "html" / "index.html").is_file()
    assert (tiny_build / "facilitator" / "index.html").is_file()
    assert (tiny_build / "pdf" / "handout-01-basics.pdf").is_file()
    assert (tiny_build / "pdf" / "facilitator-guide-one-day.pdf").is_file()
    assert (tiny_build / "html" / "handouts" / "handout-01-basics.pdf").is_file()
    assert not [p for p in tiny_build.iterdir() if p.name.startswith((".staging", ".old"))], "staging left behind"


def test_facilitator_notes_never_reach_trainees(tiny_build):
    secret = "Secret facilitator text"
    for page in (tiny_build / "html").rglob("*.html"):
        assert secret not in page.read_text(encoding="utf-8"), page
        assert "facilitator-note" not in page.read_text(encoding="utf-8"), page
    assert secret in (tiny_build / "facilitator" / "basics" / "first-steps.html").read_text(encoding="utf-8")

    def text(name):
        reader = PdfReader(io.BytesIO((tiny_build / "pdf" / name).read_bytes()))
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    assert secret not in text("handout-01-basics.pdf")
    assert "Facilitator note" not in text("handout-01-basics.pdf")
    assert secret in text("facilitator-guide-one-day.pdf")
    # The quiz answers (feedback) are in the guide and not in the trainee handout.
    assert "Yes, on 8 August 1967." in text("facilitator-guide-one-day.pdf")
    assert "Yes, on 8 August 1967." not in text("handout-01-basics.pdf")


def test_two_builds_are_byte_identical(tiny_build, tmp_path):
    from courseware.cli import main
    again = tmp_path / "output"
    assert main(["--root", str(COURSES / "tiny"), "--output", str(again)]) == 0  # parallel this time
    assert tree_digest(again) == tree_digest(tiny_build)


def test_pdf_date_follows_release_date_or_source_date_epoch(tiny_build, tmp_path, monkeypatch):
    reader = PdfReader(tiny_build / "pdf" / "handout-01-basics.pdf")
    assert reader.metadata["/CreationDate"].startswith("D:20260115")
    from courseware.cli import main
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    out = tmp_path / "output"
    assert main(["--root", str(COURSES / "tiny"), "--output", str(out), "--pdf-only", "--jobs", "1"]) == 0
    assert PdfReader(out / "pdf" / "handout-01-basics.pdf").metadata["/CreationDate"].startswith("D:20231114")


def test_failed_build_leaves_previous_output_intact(make_course, run):
    root = make_course(minimal_course())
    code, out, err = run("--root", root, "--jobs", "1")
    assert code == 0, err
    before = tree_digest(root / "output")
    assert "html/mod/one.html" in before
    (root / "modules" / "01-mod" / "01-one.md").write_text(LESSON.replace("/// activity", "/// activty"),
                                                           encoding="utf-8")
    code, out, err = run("--root", root, "--jobs", "1")
    assert code == 1
    assert "[unknown-block]" in err
    assert tree_digest(root / "output") == before
    assert not [p for p in (root / "output").iterdir() if p.name.startswith((".staging", ".old"))]


def test_check_writes_nothing(make_course, run):
    root = make_course(minimal_course())
    code, out, _ = run("check", "--root", root)
    assert code == 0
    assert not (root / "output").exists()


def test_partial_builds_keep_the_rest(make_course, run):
    root = make_course(minimal_course())
    assert run("--root", root, "--jobs", "1")[0] == 0
    pdf = (root / "output" / "pdf" / "handout-01-mod.pdf").read_bytes()
    assert run("--root", root, "--html-only")[0] == 0
    assert (root / "output" / "pdf" / "handout-01-mod.pdf").read_bytes() == pdf
    assert run("--root", root, "--html-only", "--clean")[0] == 0
    assert not (root / "output" / "pdf").exists()


def test_one_module_build_keeps_the_whole_site_and_lays_out_its_handout(make_course, run):
    """`--module two`: a link into another module still resolves, the site still holds every module (home
    page, search index), and of the PDFs only module two's handout is laid out again."""
    from conftest import MODULE_YAML
    course_yaml = minimal_course()["modules/course.yaml"].replace("modules: [01-mod]", "modules: [01-mod, 02-two]")
    root = make_course(minimal_course(**{
        "modules/course.yaml": course_yaml,
        "modules/02-two/module.yaml": MODULE_YAML.replace("id: mod", "id: two").replace("title: ", "title: Two "),
        "modules/02-two/01-one.md": LESSON.replace("Some text.", "See [the first module](../01-mod/01-one.md).")}))
    assert run("--root", root, "--jobs", "1")[0] == 0
    out = root / "output"
    home, index = (out / "html" / "index.html").read_bytes(), (out / "html/assets/search-index.js").read_bytes()
    handout_one = (out / "pdf" / "handout-01-mod.pdf").stat().st_mtime_ns
    (root / "modules/02-two/01-one.md").write_text(LESSON.replace("Some text.", "See [the first module]"
                                                   "(../01-mod/01-one.md), again."), encoding="utf-8")
    code, stdout, err = run("--root", root, "--jobs", "1", "--module", "two")
    assert code == 0, err
    assert (out / "html" / "index.html").read_bytes() == home  # both modules listed, as before
    index_now = (out / "html/assets/search-index.js").read_text(encoding="utf-8")
    assert '"url":"mod/one.html"' in index_now and index_now.encode() != index  # whole, and up to date
    page = (out / "html" / "two" / "one.html").read_text(encoding="utf-8")
    assert 'href="../mod/one.html">the first module</a>, again.' in page
    assert (out / "pdf" / "handout-01-mod.pdf").stat().st_mtime_ns == handout_one  # not laid out again
    assert "again." in "".join(p.extract_text() for p in PdfReader(out / "pdf" / "handout-02-two.pdf").pages)


def test_writer_refuses_to_write_outside_output(tmp_path):
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "keep.txt").write_text("old")
    with pytest.raises(UnsafeOutputPath):
        write(tmp_path / "output", {"html/ok.html": b"x", "../escape.txt": b"x"}, keep_existing=False)
    assert not (tmp_path / "escape.txt").exists()
    assert (tmp_path / "output" / "keep.txt").read_text() == "old"


@pytest.mark.parametrize("url, reason", [
    ("https://example.org/x.png", "network"),
    ("http://127.0.0.1/x.css", "network"),
    ("file:///etc/passwd", "outside the project"),
    ("file:///{root}/../../etc/passwd", "'..'"),
    ("file:///{root}/modules/nope.png", "does not exist"),
])
def test_fetcher_refuses_anything_outside_the_project(tmp_path, url, reason):
    (tmp_path / "modules").mkdir()
    fetcher = ProjectFetcher([tmp_path])
    with pytest.raises(ResourceError) as info:
        fetcher.fetch(url.replace("/{root}", str(tmp_path)))
    assert reason in str(info.value)


def test_fetcher_serves_project_files(tmp_path):
    (tmp_path / "a.css").write_text("p {}")
    response = ProjectFetcher([tmp_path]).fetch((tmp_path / "a.css").as_uri())
    assert response.read() == b"p {}"
    assert response.content_type == "text/css"


def test_remote_image_in_a_lesson_is_a_content_error(make_course, run):
    lesson = LESSON.replace("Some text.", "![A photo](https://example.org/photo.jpg)")
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": lesson}))
    code, _, err = run("--root", root)
    assert code == 1
    assert "01-one.md:13:1: error: image 'https://example.org/photo.jpg' is on the internet" in err


def test_tiny_example_is_clean(run):
    code, out, err = run("check", "--root", COURSES / "tiny")
    assert code == 0, err
    assert out.strip() == "check passed: 0 errors, 0 warnings in 0 files"
