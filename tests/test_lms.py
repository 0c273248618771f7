"""LMS packages (courseware/lms.py): the SCORM 1.2 and 2004 zips and the IMS Common Cartridge, read as an LMS
reads them, and played as an LMS plays them: scorm-again (npm), a real SCORM run-time, holds the API in the page
around the package's frame, and Debian's Chromium, driven by Playwright, plays a learner who answers, leaves,
comes back and finishes.

The small course of tests/lms_course.py is built once (--lms-only); the shipped course is built once too
(slow), for what only it can show: every quiz of the course in every cartridge, and the 1.2 size limit.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import shutil
import threading
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from lms_course import LESSON_ONE, LESSON_ONE_MY, LESSON_TWO, lms_course
from test_browser import Guard, browser, open_page  # noqa: F401  (Chromium fixtures)
from courseware import lms
from courseware.cli import main as cli_main
from courseware.pipeline import Options, _lms

SCORM_AGAIN = ROOT / "node_modules" / "scorm-again" / "dist"
HARNESS = Path(__file__).parent / "lms" / "harness.html"
LANGS = ("en", "my")
SCOS = ("01-alpha", "02-beta", "course")
PACKAGES = [f"{folder}/{sco}.{lang}.zip" for folder in lms.EDITIONS for sco in SCOS for lang in LANGS]
CARTRIDGES = [f"course.{lang}.imscc" for lang in LANGS]

NS = {
    "1.2": {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
            "md": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"},
    "2004": {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1", "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
             "imsss": "http://www.imsglobal.org/xsd/imsss", "md": "http://ltsc.ieee.org/xsd/LOM"},
    "cc": {"cp": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1",
           "md": "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"},
}
QTI = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
SESSION_TIME = {"1.2": re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$"),
                "2004": re.compile(r"^P(\d+Y)?(\d+M)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$")}


# --- The build ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The small course built with --lms-only; its output is project/output."""
    root = tmp_path_factory.mktemp("lms-course")
    write(root, lms_course())
    assert cli_main(["--root", str(root), "--lms-only"]) == 0
    return root


def write(root: Path, files: dict) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def built(project) -> dict[str, bytes]:
    """Every file under output/lms/, by its path there."""
    folder = project / "output" / "lms"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        return {name: zf.read(name) for name in zf.namelist()}


def test_lms_only_writes_the_packages_of_every_module_and_language(project, built):
    assert sorted(built) == sorted(PACKAGES + CARTRIDGES)
    assert not (project / "output" / "html").exists() and not (project / "output" / "pdf").exists()


@pytest.mark.parametrize("options, made", [
    (Options(), True),  # the default build
    (Options(html=False, pdf=False), True),  # --lms-only
    (Options(pdf=False, lms=False), False),  # --html-only: an author's quick loop
    (Options(html=False, lms=False), False),  # --pdf-only
    (Options(module="alpha"), False),  # --module
])
def test_which_builds_make_the_packages(options, made):
    assert _lms(options) is made


def test_the_default_build_writes_the_packages(tiny_output):
    names = sorted(p.relative_to(tiny_output / "lms").as_posix() for p in (tiny_output / "lms").rglob("*.*"))
    assert names == ["course.en.imscc", "scorm12/01-basics.en.zip", "scorm12/course.en.zip",
                     "scorm2004/01-basics.en.zip", "scorm2004/course.en.zip"]


def test_packages_are_byte_identical_from_one_build_to_the_next(project, built, tmp_path):
    again = tmp_path / "again"
    assert cli_main(["--root", str(project), "--lms-only", "--clean", "--output", str(again)]) == 0
    rebuilt = {p.relative_to(again / "lms").as_posix(): p.read_bytes() for p in (again / "lms").rglob("*") if p.is_file()}
    assert rebuilt.keys() == built.keys()
    assert [name for name in built if rebuilt[name] != built[name]] == []


def test_packages_render_nothing_again(project, built, monkeypatch):
    """The packages are made from the pages in memory: with every renderer disabled, they come out the same."""
    from courseware import languages, markup, render_html
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.pipeline import TOOL_ROOT
    report = Report(project)
    course = load_course(project, report)
    versions = languages.translate_all(course, report)
    sites = languages.sites(versions, TOOL_ROOT / "templates", TOOL_ROOT / "fonts", report)

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")
    monkeypatch.setattr(render_html.SiteRenderer, "render_all", refuse)
    monkeypatch.setattr(render_html.SiteRenderer, "render_module_file", refuse)
    monkeypatch.setattr(markup, "render", refuse)
    made = lms.packages(versions, sites, course, TOOL_ROOT / "templates")
    assert {name[len("lms/"):]: data for name, data in made.items()} == built


# --- What an LMS import needs ----------------------------------------------------------------------------

def edition_of(name: str) -> str:
    return lms.EDITIONS[name.split("/")[0]]


def scorm_manifest(files: dict[str, bytes], edition: str):
    """(root element, namespaces) of a package's imsmanifest.xml."""
    return ET.fromstring(files["imsmanifest.xml"]), NS[edition]


def launch_of(manifest: ET.Element, ns: dict) -> tuple[str, ET.Element]:
    """The launch file, found as an LMS finds it: default organization, its item, the resource it names."""
    organizations = manifest.find("cp:organizations", ns)
    organization = next(o for o in organizations.findall("cp:organization", ns)
                        if o.get("identifier") == organizations.get("default"))
    item = organization.find("cp:item", ns)
    resource = next(r for r in manifest.iterfind("cp:resources/cp:resource", ns)
                    if r.get("identifier") == item.get("identifierref"))
    return resource.get("href"), item


@pytest.mark.parametrize("name", PACKAGES)
def test_scorm_manifest_is_what_an_lms_imports(built, name):
    edition = edition_of(name)
    files = unzip(built[name])
    assert "imsmanifest.xml" in files, "the manifest is at the root of the zip, not in a folder"
    manifest, ns = scorm_manifest(files, edition)
    assert manifest.tag == f"{{{ns['cp']}}}manifest"
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=ns) == "ADL SCORM"
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == \
        {"1.2": "1.2", "2004": "2004 4th Edition"}[edition]
    ids = [e.get("identifier") for e in manifest.iter() if e.get("identifier") is not None]
    assert len(ids) == len(set(ids)) and all(NCNAME.match(i) for i in ids), ids
    assert len(manifest.findall("cp:organizations/cp:organization", ns)) == 1
    launch, item = launch_of(manifest, ns)
    assert launch == "launch.html" and launch in files
    resources = manifest.findall("cp:resources/cp:resource", ns)
    assert len(resources) == 1
    scorm_type = resources[0].get(f"{{{ns['adlcp']}}}{'scormtype' if edition == '1.2' else 'scormType'}")
    assert scorm_type == "sco" and resources[0].get("type") == "webcontent"
    # The launch page opens in an LMS's frame and from a plain unzip: its paths are relative, inside the zip.
    assert b"<iframe" not in files[launch] and b'src="assets/scorm.js"' in files[launch]


def test_every_file_of_every_package_is_listed_and_every_listed_file_is_there(built):
    identifiers = []
    for name in PACKAGES:
        files = unzip(built[name])
        manifest, ns = scorm_manifest(files, edition_of(name))
        identifiers.append(manifest.get("identifier"))
        listed = [f.get("href") for f in manifest.iterfind("cp:resources/cp:resource/cp:file", ns)]
        assert len(listed) == len(set(listed)), name
        assert sorted(listed) == sorted(set(files) - {"imsmanifest.xml"}), name
    assert len(set(identifiers)) == len(PACKAGES), "an LMS tells packages apart by their manifest's identifier"


def test_zips_are_flat_sorted_and_dated_by_the_release(built):
    for name, data in built.items():
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert not any(i.filename.endswith("/") or i.filename.startswith(("/", "..")) for i in infos), name
        assert {i.date_time for i in infos} == {(2026, 3, 1, 0, 0, 0)}, name


@pytest.mark.parametrize("name, title, description", [
    ("scorm12/01-alpha.en.zip", "Alpha module", "What alpha is about, for the manifest's description."),
    ("scorm2004/01-alpha.my.zip", "အယ်လ်ဖာ မော်ဂျူး", "အယ်လ်ဖာ အကြောင်း။"),
    ("scorm12/course.my.zip", "LMS စမ်းသပ် သင်တန်း", "SCORM စမ်းသပ်မှုအတွက် မော်ဂျူး နှစ်ခု"),
    ("scorm2004/course.en.zip", "LMS test course", "Two modules for the SCORM tests"),
])
def test_titles_and_descriptions_come_from_the_sources_in_the_package_language(built, name, title, description):
    edition, lang = edition_of(name), name.split(".")[-2]
    manifest, ns = scorm_manifest(unzip(built[name]), edition)
    _, item = launch_of(manifest, ns)
    assert manifest.findtext("cp:organizations/cp:organization/cp:title", namespaces=ns) == title
    assert item.findtext("cp:title", namespaces=ns) == title
    string = "md:langstring" if edition == "1.2" else "md:string"
    general = manifest.find("cp:metadata/md:lom/md:general", ns)
    for field, text in (("title", title), ("description", description)):
        element = general.find(f"md:{field}/{string}", ns)
        assert element.text == text
        assert (element.get(XML_LANG) if edition == "1.2" else element.get("language")) == lang
    assert general.findtext("md:language", namespaces=ns) == lang
    assert f'<html lang="{lang}">'.encode() in unzip(built[name])["launch.html"]


@pytest.mark.parametrize("value, message", [
    ("120", "mastery_score: expected a percentage from 0 to 100, found 120 [wrong-type]"),
    ("high", "mastery_score: expected a whole number, found text 'high' [wrong-type]"),
])
def test_a_mastery_score_that_is_not_a_percentage_is_an_error(make_course, run, value, message):
    from conftest import COURSE_YAML, minimal_course
    root = make_course(minimal_course(**{"modules/course.yaml": COURSE_YAML + f"mastery_score: {value}\n"}))
    code, out, err = run("check", "--root", root)
    assert code == 1
    assert f"modules/course.yaml:16:16: error: {message}" in err


@pytest.mark.parametrize("sco, mastery", [("01-alpha", True), ("course", True), ("02-beta", False)])
def test_the_mastery_score_of_course_yaml_is_in_the_manifest(built, sco, mastery):
    manifest, ns = scorm_manifest(unzip(built[f"scorm12/{sco}.en.zip"]), "1.2")
    assert manifest.findtext(".//adlcp:masteryscore", namespaces=ns) == ("60" if mastery else None)
    manifest, ns = scorm_manifest(unzip(built[f"scorm2004/{sco}.en.zip"]), "2004")
    objective = manifest.find(".//imsss:primaryObjective", ns)
    if mastery:
        assert objective.get("satisfiedByMeasure") == "true"
        assert objective.findtext("imsss:minNormalizedMeasure", namespaces=ns) == "0.60"
    else:
        assert objective is None  # nothing to pass: the LMS shows completion only


def test_packages_hold_the_trainee_edition_only(built):
    for name, data in built.items():
        for path, content in unzip(data).items():
            assert "facilitator" not in path, (name, path)
            if not path.endswith((".html", ".xml")):
                continue  # the site's stylesheet styles facilitator notes too, for the facilitator site
            for secret in (b"Secret facilitator text", b"facilitator-note", b"answer-mark", b"Facilitator edition"):
                assert secret not in content, (name, path, secret)


def test_module_packages_hold_their_module_and_links_stay_inside(built):
    files = unzip(built["scorm12/01-alpha.en.zip"])
    pages = sorted(p for p in files if p.endswith(".html"))
    assert pages == ["alpha/index.html", "alpha/one.html", "alpha/two.html", "glossary.html", "launch.html",
                     "references.html"]
    assert "assets/fonts/OFL.txt" in files  # the fonts' licence travels with them
    one = files["alpha/one.html"].decode()
    assert 'href="two.html"' in one  # to the next lesson of the module: kept
    assert "<a>beta</a>" in one  # to another module's lesson: its words stay, the link goes
    assert "language-switcher" not in one and "search-form" not in one


def test_every_link_and_asset_of_every_package_is_in_the_package(built):
    for name, data in built.items():
        files = unzip(data)
        for path, content in files.items():
            if not path.endswith(".html"):
                continue
            for ref in re.findall(r'(?:href|src|action)="([^"]*)"', content.decode()):
                target = lms._target(path, ref)
                assert target is None or target in files, (name, path, ref)


# --- IMS Common Cartridge --------------------------------------------------------------------------------

def source_quizzes(text: str) -> list[dict]:
    """The quizzes of a lesson source: [{title, questions}] from its '/// quiz | title' blocks."""
    quizzes = []
    for title, body in re.findall(r"^/// quiz \| ([^\n]*)\n(.*?)^///$", text, re.M | re.S):
        quizzes.append({"title": title, "questions": yaml.safe_load(body)})
    return quizzes


TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "...",
                            "\u2013": "--", "\u2014": "---"})


def plain(text: str) -> str:
    """Text without the site's typography (curly quotes, dashes, ellipses) and with single spaces, to compare the
    cartridge, made from the pages, with the sources."""
    return " ".join(text.translate(TYPOGRAPHY).split())


def read_qti(xml: bytes) -> dict:
    """An assessment read back: its title and, per question, the prompt and each choice with whether it is
    right (the condition that sets SCORE to 100) and the feedback shown when it is chosen."""
    root = ET.fromstring(xml)
    assessment = root.find("q:assessment", QTI)
    questions = []
    for item in assessment.iterfind("q:section/q:item", QTI):
        labels = [(r.get("ident"), r.findtext("q:material/q:mattext", namespaces=QTI))
                  for r in item.iterfind(".//q:response_label", QTI)]
        feedback = {f.get("ident"): f.findtext(".//q:mattext", namespaces=QTI) for f in item.iterfind("q:itemfeedback", QTI)}
        shown, right = {}, set()
        for condition in item.iterfind("q:resprocessing/q:respcondition", QTI):
            if condition.find("q:setvar", QTI) is not None:
                assert condition.find("q:setvar", QTI).text == "100"
                negated = {v.text for v in condition.iterfind(".//q:not/q:varequal", QTI)}
                right = {v.text for v in condition.iterfind(".//q:varequal", QTI)} - negated
                assert negated | right == {ident for ident, _ in labels} or len(right) == 1
            else:
                link = condition.find("q:displayfeedback", QTI).get("linkrefid")
                shown[condition.findtext("q:conditionvar/q:varequal", namespaces=QTI)] = feedback[link]
        profile = item.findtext(".//q:qtimetadatafield[q:fieldlabel='cc_profile']/q:fieldentry", namespaces=QTI)
        assert profile == ("cc.multiple_response.v0p1" if len(right) > 1 else "cc.multiple_choice.v0p1")
        questions.append({"prompt": item.findtext("q:presentation/q:material/q:mattext", namespaces=QTI),
                          "choices": [(text, ident in right, shown.get(ident, "")) for ident, text in labels]})
    return {"title": assessment.get("title"), "questions": questions}


def expected_questions(source: str) -> list[dict]:
    return [{"prompt": plain(q["question"]),
             "choices": [(plain(c["text"]), bool(c.get("correct")), plain(c.get("feedback") or "")) for c in q["choices"]]}
            for quiz in source_quizzes(source) for q in quiz["questions"]]


def cartridge_quizzes(files: dict[str, bytes]) -> dict[str, dict]:
    """{resource href: assessment} for every QTI assessment the cartridge's manifest lists."""
    manifest = ET.fromstring(files["imsmanifest.xml"])
    ns = NS["cc"]
    return {r.find("cp:file", ns).get("href"): read_qti(files[r.find("cp:file", ns).get("href")])
            for r in manifest.iterfind("cp:resources/cp:resource", ns)
            if r.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"}


def as_plain(questions: list[dict]) -> list[dict]:
    return [{"prompt": plain(q["prompt"]), "choices": [(plain(t), r, plain(f)) for t, r, f in q["choices"]]}
            for q in questions]


@pytest.mark.parametrize("name", CARTRIDGES)
def test_cartridge_manifest_is_common_cartridge_1_3(built, name):
    files = unzip(built[name])
    manifest = ET.fromstring(files["imsmanifest.xml"])
    ns = NS["cc"]
    assert manifest.tag == f"{{{ns['cp']}}}manifest"
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=ns) == "IMS Common Cartridge"
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == "1.3.0"
    ids = [e.get("identifier") for e in manifest.iter() if e.get("identifier") is not None]
    assert len(ids) == len(set(ids)) and all(NCNAME.match(i) for i in ids)
    organization = manifest.find("cp:organizations/cp:organization", ns)
    assert organization.get("structure") == "rooted-hierarchy"
    assert len(organization.findall("cp:item", ns)) == 1  # one root item
    resources = {r.get("identifier"): r for r in manifest.iterfind("cp:resources/cp:resource", ns)}
    for item in organization.iter(f"{{{ns['cp']}}}item"):
        assert item.get("identifierref") is None or item.get("identifierref") in resources
    for resource in resources.values():
        for dependency in resource.iterfind("cp:dependency", ns):
            assert dependency.get("identifierref") in resources
        assert resource.get("type") in ("webcontent", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment")
    listed = [f.get("href") for f in manifest.iterfind("cp:resources/cp:resource/cp:file", ns)]
    assert len(listed) == len(set(listed)), "each file belongs to one resource"
    assert sorted(listed) == sorted(set(files) - {"imsmanifest.xml"})
    lang = name.split(".")[1]
    title = manifest.find("cp:metadata/md:lom/md:general/md:title/md:string", ns)
    assert title.get("language") == lang and title.text == {"en": "LMS test course", "my": "LMS စမ်းသပ် သင်တန်း"}[lang]


@pytest.mark.parametrize("lang, sources", [("en", [LESSON_ONE, LESSON_TWO]), ("my", [LESSON_ONE_MY, LESSON_TWO])])
def test_cartridge_quizzes_have_every_question_with_its_answers_and_feedback(built, lang, sources):
    quizzes = cartridge_quizzes(unzip(built[f"course.{lang}.imscc"]))
    assert list(quizzes) == ["Q-alpha.one.quiz1/assessment.xml", "Q-alpha.two.quiz1/assessment.xml"]
    for (href, quiz), source in zip(quizzes.items(), sources):
        assert as_plain(quiz["questions"]) == expected_questions(source), href
        assert quiz["title"].endswith(source_quizzes(source)[0]["title"])
    # A question with several right answers is right only with all of them and none of the others.
    multiple = quizzes["Q-alpha.two.quiz1/assessment.xml"]["questions"][0]
    assert [right for _, right, _ in multiple["choices"]] == [True, False, True]


def test_cartridge_text_is_marked_with_its_language(built):
    files = unzip(built["course.my.imscc"])
    one = ET.fromstring(files["Q-alpha.one.quiz1/assessment.xml"])  # translated
    two = ET.fromstring(files["Q-alpha.two.quiz1/assessment.xml"])  # not yet: English
    assert {m.get(XML_LANG) for m in one.iter(f"{{{QTI['q']}}}mattext")} == {"my"}
    assert {m.get(XML_LANG) for m in two.iter(f"{{{QTI['q']}}}mattext")} == {"en"}


# --- A real SCORM run-time in a real browser --------------------------------------------------------------

@pytest.fixture(scope="module")
def lms_server(built, tmp_path_factory):
    """A loopback web server with the test LMS (harness.html and scorm-again) and every package unzipped
    under pkg/<edition>/<package>/; yields its base URL."""
    folder = tmp_path_factory.mktemp("lms-server")
    shutil.copy(HARNESS, folder / "harness.html")
    (folder / "scorm-again").mkdir()
    for dist in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(SCORM_AGAIN / dist, folder / "scorm-again" / dist)
    for name in PACKAGES:
        for path, data in unzip(built[name]).items():
            target = folder / "pkg" / name.removesuffix(".zip") / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", folder
    server.shutdown()
    server.server_close()


class Learner:
    """A learner in the test LMS: launches a package as an LMS does, plays it, leaves; keeps what the LMS
    kept between sessions."""

    def __init__(self, page, base: str, folder: Path, package: str):
        self.page, self.base, self.package = page, base, package
        self.edition = edition_of(package)
        manifest, ns = scorm_manifest({"imsmanifest.xml": (folder / "pkg" / package.removesuffix(".zip") /
                                                           "imsmanifest.xml").read_bytes()}, self.edition)
        self.launch, item = launch_of(manifest, ns)  # from the manifest, as an LMS finds it
        measure = item.findtext(".//adlcp:masteryscore", namespaces=ns) if self.edition == "1.2" else \
            item.findtext(".//imsss:minNormalizedMeasure", namespaces=ns)
        self.mastery = float(measure) if measure else None
        self.data = self.popup = None
        self.page.goto(base + "harness.html")

    def start(self, window: bool = False):
        """Launch the SCO in a frame of the LMS's page or, with `window`, in a window of its own."""
        url = f"pkg/{self.package.removesuffix('.zip')}/{self.launch}"
        config = {"edition": self.edition, "launch": url, "data": self.data, "mastery": self.mastery, "window": window}
        if window:
            with self.page.expect_popup() as opened:
                self.page.evaluate("config => start(config)", config)
            self.popup = opened.value
            content = self.popup.frame_locator("iframe")
        else:
            self.page.evaluate("config => start(config)", config)
            content = self.page.frame_locator("#sco").frame_locator("iframe")
        content.locator("body[data-page]").wait_for(state="attached")
        return content

    def at(self, page: str) -> None:
        """Wait until the SCO has told the LMS that the learner is on `page`."""
        self.page.wait_for_function("""page => lms.calls.some(c => /SetValue$/.test(c.method)
            && /^cmi\\.(core\\.lesson_)?location$/.test(c.args[0]) && c.args[1] === page)""", arg=page)

    def wait_for_value(self, element: str, value: str) -> None:
        """Wait until the SCO has set `element` to `value`."""
        self.page.wait_for_function("""([element, value]) => lms.calls.some(c => /SetValue$/.test(c.method)
            && c.args[0] === element && c.args[1] === value)""", arg=[element, value])

    def leave(self) -> dict:
        if self.popup is not None:  # the learner closes the SCO's window
            self.popup.close(run_before_unload=True)
            self.popup = None
            self.page.wait_for_function("lms.calls.some(c => c.method === 'LMSFinish' || c.method === 'Terminate')")
        self.data = self.page.evaluate("leave()")
        calls = self.data["calls"]
        assert [c for c in calls if c["error"] != "0" or c["result"] == "false"] == [], "API errors"
        assert self.data["messages"] == [], "scorm-again logged problems"
        names = [c["method"] for c in calls]
        assert names[0] in ("LMSInitialize", "Initialize") and names.count(names[0]) == 1
        assert names[-1] in ("LMSFinish", "Terminate") and names.count(names[-1]) == 1
        return self.data

    def set_values(self) -> dict:
        """The last value the SCO set for each element this session."""
        return {c["args"][0]: c["args"][1] for c in self.data["calls"] if c["method"].endswith("SetValue")}

    def page_url(self) -> str:
        page = self.popup or self.page
        frames = [f.url for f in page.frames if "/pkg/" in f.url and not f.url.endswith(self.launch)]
        assert len(frames) == 1, frames
        return frames[0].split("/pkg/", 1)[1].split("/", 2)[2]


@pytest.fixture
def learner(browser, lms_server):
    """learner(package) -> Learner, in a browser context where anything but the loopback server is refused
    and any console error fails the test."""
    base, folder = lms_server
    contexts = []

    def make(package: str) -> Learner:
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        context.set_default_timeout(5000)
        guard = Guard(context, allow=lambda url: url.startswith(base))
        contexts.append((context, guard))
        return Learner(context.new_page(), base, folder, package)

    yield make
    for context, guard in contexts:
        context.close()
    for context, guard in contexts:
        guard.check()


def answer(content, question: int, *choices: int) -> None:
    buttons = content.locator(".quiz-question").nth(question).locator("button.choice")
    for choice in choices:
        buttons.nth(choice).click()


def picked(content, question: int) -> list[str]:
    """How each choice of a question shows: 'right', 'wrong' (picked) or '' (not picked)."""
    items = content.locator(".quiz-question").nth(question).locator(".quiz-choice")
    return [("right" if "picked-right" in c else "wrong" if "picked-wrong" in c else "")
            for c in (items.nth(i).get_attribute("class") for i in range(items.count()))]


STATUS = {"1.2": "cmi.core.lesson_status", "2004": "cmi.completion_status"}
SCORE = {"1.2": "cmi.core.score.", "2004": "cmi.score."}
RESULT = {"1.2": {True: "correct", False: "wrong"}, "2004": {True: "correct", False: "incorrect"}}
RESPONSE = {"1.2": ("student_response", ","), "2004": ("learner_response", "[,]")}
PROMPTS = {"en": ["When was ASEAN founded?", "Where was it founded?"],
           "my": ["အာဆီယံကို ဘယ်အချိန်က တည်ထောင်ခဲ့သလဲ။", "ဘယ်မှာ တည်ထောင်ခဲ့သလဲ။"]}


def interactions(data: dict, edition: str) -> list[dict]:
    """The interactions the LMS holds, in order."""
    held = data["cmi"]["interactions"]
    field, sep = RESPONSE[edition]
    return [{"id": i["id"], "type": i["type"], "response": i[field].split(sep), "result": i["result"],
             **({"description": i["description"]} if edition == "2004" else {})}
            for i in (held[k] for k in sorted(held, key=int))]


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["1.2", "2004"])
@pytest.mark.parametrize("lang", LANGS)
def test_a_learner_answers_leaves_resumes_and_finishes(learner, edition, lang):
    folder = {"1.2": "scorm12", "2004": "scorm2004"}[edition]
    me = learner(f"{folder}/01-alpha.{lang}.zip")

    # First session: the module opens on its overview; lesson one, one question answered wrong first (the quiz
    # lets the learner try the other choices: it counts as wrong), one right at once; leave.
    content = me.start()
    content.locator("a[href='one.html']").first.click()
    answer(content, 0, 1, 0)  # wrong, then the right one
    answer(content, 1, 0)  # right
    data = me.leave()
    values = me.set_values()
    assert data["exit"] == "suspend"
    assert values[STATUS[edition]] == "incomplete"
    assert values["cmi.core.lesson_location" if edition == "1.2" else "cmi.location"] == "alpha/one.html"
    # No score until every question is answered: an LMS would judge it against the mastery score and fail the
    # learner halfway (Moodle's "Mastery score overrides status").
    assert not [k for k in values if k.startswith(SCORE[edition]) or k == "cmi.success_status"]
    if edition == "2004":
        assert values["cmi.progress_measure"] == "0.5"  # 1 lesson of 2 opened, 2 questions of 4 answered
    held = interactions(data, edition)
    assert [(i["id"], i["type"], i["response"], i["result"]) for i in held] == [
        ("alpha.one.quiz1.q1", "choice", ["b", "a"], RESULT[edition][False]),
        ("alpha.one.quiz1.q2", "choice", ["a"], RESULT[edition][True])]
    if edition == "2004":
        assert [i["description"] for i in held] == PROMPTS[lang]
    session = values["cmi.core.session_time" if edition == "1.2" else "cmi.session_time"]
    assert SESSION_TIME[edition].match(session), session
    assert len(values["cmi.suspend_data"]) <= 4096

    # Second session: back on lesson one, answers as they were.
    content = me.start()
    content.locator(".quiz-choice.picked-right").first.wait_for()
    assert me.page_url() == "alpha/one.html"
    assert picked(content, 0) == ["right", "wrong"] and picked(content, 1) == ["right", "", ""]
    # Lesson two (English on the Burmese site too): English learner right twice, Burmese learner wrong twice.
    content.locator("a[rel=next]").click()
    me.at("alpha/two.html")
    if lang == "en":
        answer(content, 0, 0, 2)  # both right answers
        answer(content, 1, 1)
    else:
        answer(content, 0, 0, 1, 2)  # a wrong one on the way
        answer(content, 1, 0, 1)  # wrong, then the right one
    data = me.leave()
    values = me.set_values()
    passed = lang == "en"
    if edition == "1.2":
        assert values["cmi.core.lesson_status"] == ("passed" if passed else "failed")
        assert data["exit"] == ""
    else:
        assert values["cmi.completion_status"] == "completed"
        assert values["cmi.success_status"] == ("passed" if passed else "failed")
        assert values["cmi.progress_measure"] == "1"
        assert values["cmi.score.scaled"] == ("0.75" if passed else "0.25")
        assert data["exit"] == "normal"
    assert values[SCORE[edition] + "raw"] == ("75" if passed else "25")
    held = interactions(data, edition)
    assert [i["id"] for i in held] == ["alpha.one.quiz1.q1", "alpha.one.quiz1.q2", "alpha.two.quiz1.q1",
                                       "alpha.two.quiz1.q2"]
    assert held[2]["response"] == (["a", "c"] if passed else ["a", "b", "c"])
    assert [i["result"] for i in held[2:]] == [RESULT[edition][passed]] * 2
    assert SESSION_TIME[edition].match(values["cmi.core.session_time" if edition == "1.2" else "cmi.session_time"])


@pytest.mark.browser
@pytest.mark.parametrize("edition", ["1.2", "2004"])
def test_a_package_in_a_window_of_its_own_finds_the_api_through_its_opener(learner, edition):
    me = learner(f"{'scorm12' if edition == '1.2' else 'scorm2004'}/01-alpha.en.zip")
    content = me.start(window=True)
    content.locator("a[href='one.html']").first.click()
    me.at("alpha/one.html")
    answer(content, 0, 0)
    assert me.page_url() == "alpha/one.html"
    data = me.leave()
    assert interactions(data, edition)[0]["result"] == "correct"
    assert data["exit"] == "suspend"


@pytest.mark.browser
@pytest.mark.parametrize("edition, threshold, outcome", [
    ("1.2", 80, "failed"), ("1.2", 75, "passed"), ("2004", 0.8, "failed"), ("2004", 0.75, "passed")])
def test_the_lms_mastery_score_wins_and_a_score_equal_to_it_passes(learner, edition, threshold, outcome):
    me = learner(f"{'scorm12' if edition == '1.2' else 'scorm2004'}/01-alpha.en.zip")
    me.mastery = threshold  # the LMS's own threshold, not the manifest's 60 %
    content = me.start()
    content.locator("a[href='one.html']").first.click()
    answer(content, 0, 1, 0)  # wrong first: counts as wrong
    answer(content, 1, 0)
    content.locator("a[rel=next]").click()
    me.at("alpha/two.html")
    answer(content, 0, 0, 2)
    answer(content, 1, 1)
    me.leave()
    values = me.set_values()
    assert values[SCORE[edition] + "raw"] == "75"
    assert values["cmi.core.lesson_status" if edition == "1.2" else "cmi.success_status"] == outcome


@pytest.mark.browser
def test_a_module_without_a_quiz_is_completed_without_a_score(learner):
    me = learner("scorm12/02-beta.en.zip")
    content = me.start()
    content.locator("a[href='three.html']").first.click()
    me.at("beta/three.html")
    me.leave()
    values = me.set_values()
    assert values["cmi.core.lesson_status"] == "completed"
    assert not any(k.startswith("cmi.core.score") for k in values)


@pytest.mark.browser
def test_the_course_package_is_one_sco_and_try_again_keeps_the_last_results(learner):
    me = learner("scorm2004/course.en.zip")
    content = me.start()
    assert me.page_url() == "index.html"
    content.locator(".cards .card a").first.click()
    content.locator("a[href='one.html']").first.click()
    answer(content, 0, 0)
    answer(content, 1, 0)
    content.locator("button.quiz-retry").click()  # the picks go...
    me.leave()
    assert me.set_values()["cmi.suspend_data"] == "1|1|+.+.."  # ...the results stay
    content = me.start()
    me.at("alpha/one.html")
    assert picked(content, 0) == ["", ""] and picked(content, 1) == ["", "", ""]
    answer(content, 0, 1, 0)  # answered again, wrong first this time; question 2 keeps its right answer
    content.locator("a[rel=next]").click()
    me.at("alpha/two.html")
    answer(content, 0, 0, 2)
    answer(content, 1, 1)
    me.wait_for_value("cmi.score.raw", "75")  # every question of the course answered: 3 of 4 right
    # Across modules in one SCO: on to module beta's lesson, the last one not opened yet.
    content.locator("a[rel=next]").click()
    me.at("beta/index.html")
    content.locator("a[rel=next]").click()
    me.at("beta/three.html")
    me.leave()
    values = me.set_values()
    assert values["cmi.completion_status"] == "completed" and values["cmi.success_status"] == "passed"
    assert values["cmi.score.raw"] == "75" and values["cmi.score.scaled"] == "0.75"


@pytest.mark.browser
def test_without_an_lms_the_package_is_the_site_with_its_own_progress(built, tmp_path, open_page):
    """Unzipped and opened from a folder: no API, so the launch page opens the module, and the quiz keeps its
    result in localStorage as the site always does; no console error (the open_page guard)."""
    for path, data in unzip(built["scorm2004/01-alpha.my.zip"]).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    page = open_page(tmp_path / "launch.html")
    page.wait_for_url("**/alpha/index.html")
    page.locator("a[href='one.html']").first.click()
    answer(page, 0, 0)
    answer(page, 1, 0)
    record = json.loads(page.evaluate("localStorage.getItem('advocacy-with-asean:progress')"))
    assert record["quizzes"]["alpha/one#0"]["right"] == 2


# --- The shipped course -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """The shipped course's LMS packages (--lms-only: the HTML pages, no PDFs), in a temporary output."""
    out = tmp_path_factory.mktemp("shipped-lms")
    assert cli_main(["--root", str(ROOT), "--lms-only", "--output", str(out)]) == 0
    return out / "lms"


def lesson_source(path: Path, lang: str) -> str:
    translated = path.with_name(f"{path.stem}.{lang}{path.suffix}")
    return (translated if lang != "en" and translated.is_file() else path).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=None)
def expansions(lang: str) -> tuple[str, ...]:
    """Every acronym expansion of the course's glossaries, English and `lang`: the site adds the expansion after
    an acronym's first use in each quiz ('AICHR (ASEAN Intergovernmental Commission on Human Rights)')."""
    found = []
    for path in sorted((ROOT / "modules").rglob("glossary*.yaml")):
        if path.name not in ("glossary.yaml", f"glossary.{lang}.yaml"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = data if isinstance(data, list) else list((data.get("terms") or {}).values())
        found += [plain(e["expansion"]) for e in entries if e.get("expansion")]
    return tuple(sorted(set(found), key=len, reverse=True))


def unexpanded(questions: list[dict], lang: str) -> list[dict]:
    def strip(text: str) -> str:
        for expansion in expansions(lang):
            text = text.replace(f" ({expansion})", "")
        return text
    return [{"prompt": strip(q["prompt"]), "choices": [(strip(t), r, strip(f)) for t, r, f in q["choices"]]}
            for q in questions]


@pytest.mark.slow
def test_shipped_course_every_quiz_question_is_in_every_cartridge_once(shipped):
    course = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    lessons = [ROOT / "modules" / folder / name for folder in course["modules"]  # in the course's order
               for name in yaml.safe_load((ROOT / "modules" / folder / "module.yaml").read_text(encoding="utf-8"))["lessons"]]
    for lang in course["languages"]:
        quizzes = cartridge_quizzes(unzip((shipped / f"course.{lang}.imscc").read_bytes()))
        found = [q for quiz in quizzes.values() for q in unexpanded(as_plain(quiz["questions"]), lang)]
        expected = [q for path in lessons for q in expected_questions(lesson_source(path, lang))]
        assert len(expected) >= 100
        assert found == expected, lang
        prompts = [q["prompt"] for q in found]
        assert len(prompts) == len(set(prompts)), "each question once"


@pytest.mark.slow
def test_shipped_course_packages_list_every_file_and_fit_scorm_1_2(shipped):
    course = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))
    names = sorted(p.relative_to(shipped).as_posix() for p in shipped.rglob("*.zip"))
    assert len(names) == 2 * (len(course["modules"]) + 1) * len(course["languages"])
    for name in names:
        files = unzip((shipped / name).read_bytes())
        manifest, ns = scorm_manifest(files, edition_of(name))
        listed = sorted(f.get("href") for f in manifest.iterfind("cp:resources/cp:resource/cp:file", ns))
        assert listed == sorted(set(files) - {"imsmanifest.xml"}), name
        # The longest suspend data the launch page can write: every lesson opened, every choice picked.
        data = json.loads(re.search(rb'<script type="application/json" id="sco-data">(.*?)</script>',
                                    files["launch.html"], re.S).group(1))
        questions = [n for quiz in data["quizzes"] for n in quiz["choices"]]
        longest = len("1|") + -(-len(data["lessons"]) // 4) + len("|") + sum(n + 2 for n in questions) - 1
        assert longest <= 4096, (name, longest)
        assert max(len(p) for p in data["pages"]) <= 255  # cmi.core.lesson_location (SCORM 1.2)
