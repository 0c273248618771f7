"""The shipped course's ZIM files and EPUB books, for test_zim.py and test_epub.py.

A full build lays out 90 PDFs first (ten minutes on two cores), so the tests build the sites only
(`--html-only`) and make the ZIMs and EPUBs from them with the build's own functions, as a full build does,
with a small stand-in PDF for each trainee handout the pages link to. The shipped course has what the tiny
one lacks: Khmer, Burmese, Thai and Vietnamese text (home pages, module overviews, glossaries).

Run as a script (`python tests/readers.py OUTPUT`), it makes them again from OUTPUT/html in a fresh process
and prints the SHA-256 of each: the determinism tests compare these with the files of the test session.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# A stand-in for the handout PDFs, which only a full build lays out.
STAND_IN_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                b"trailer<</Root 1 0 R>>\n%%EOF\n")
NOTE = re.compile(r'<aside class="block facilitator-note".*?</aside>', re.S)
SENTENCE_END = re.compile(r"(?<=[.!?។။])\s+")


def build_sites(out: Path) -> None:
    """The shipped course's trainee and facilitator sites, in every language, into `out`."""
    from courseware.pipeline import Options, build
    result = build(ROOT, Options(pdf=False, workers=1), out)
    assert not result.report.errors, result.report.format()


def stage_inputs(out: Path, root: Path = ROOT) -> tuple[dict, dict[str, bytes]]:
    """What the readers stage of a full build gets: {lang: (course, report)} and the files, the trainee site in
    out/html with a stand-in for each handout PDF."""
    from courseware import languages
    from courseware.load import load_course
    from courseware.pages import handout_name
    from courseware.problems import Report
    report = Report(root)
    course = load_course(root, report)
    versions = languages.translate_all(course, report)
    files = {f"html/{p.relative_to(out / 'html').as_posix()}": p.read_bytes()
             for p in sorted((out / "html").rglob("*")) if p.is_file()}
    for lang in course.languages:
        for module in course.modules:
            name = f"html/{languages.prefix(lang)}handouts/{handout_name(module)}"
            files.setdefault(name, STAND_IN_PDF + f"% {name}\n".encode())  # distinct: zimcheck warns of duplicates
    return versions, files


def readers_from(out: Path) -> dict[str, bytes]:
    """{share/...: bytes}: the ZIM files and EPUB books made from the trainee site in out/html."""
    from courseware import epub, zim
    versions, files = stage_inputs(out)
    made = zim.zims(versions, files, ROOT / "templates")
    made.update(epub.books(versions, files, ROOT / "templates", ROOT / "fonts"))
    return made


def facilitator_sentences(output: Path) -> list[str]:
    """Sentences of the facilitator notes (facilitator site) that no trainee page has: none may reach a trainee file."""
    from courseware.fonts import text_of_html
    trainee = " ".join(text_of_html(p.read_text(encoding="utf-8")) for p in sorted((output / "html").rglob("*.html")))
    trainee = re.sub(r"\s+", " ", trainee)
    found: dict[str, None] = {}
    for page in sorted((output / "facilitator").rglob("*.html")):
        for note in NOTE.findall(page.read_text(encoding="utf-8")):
            note = re.sub(r'<header class="block-head">.*?</header>', "", note, flags=re.S)  # "Facilitator note"
            text = re.sub(r"\s+", " ", text_of_html(note)).strip()
            for sentence in SENTENCE_END.split(text):
                if len(sentence) >= 15 and sentence not in trainee:
                    found.setdefault(sentence)
    return list(found)


def digest(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}


if __name__ == "__main__":
    for name, value in digest(readers_from(Path(sys.argv[1]))).items():
        print(value, name)
