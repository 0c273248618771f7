"""Incremental builds: the manifest of what each output was made from, and two content-addressed caches.

Where the time goes in a build: turning lesson Markdown into HTML (about 0.1 s per lesson, done for
validation, for each site and for each PDF that holds the lesson) and WeasyPrint's layout of the PDFs.
Both are cached here, keyed by a hash of *everything* they read, so a cached result can never be stale:

- Markdown renders (`markup.render`) are keyed by the text, the file, the audience, the medium, every
  plain field of the render context (glossary, references, labels, language) and the builder version.
  The context's callbacks (where a link or an image points from this page) are recorded with their
  answers; a cached render is reused only if asking the same questions again gives the same answers
  (side effects such as "copy this image into the site" happen again). Problems a render reported are
  reported again, so `check` says the same thing on a warm cache.
- Files the build made and may make again from the same inputs are kept in `output/.cache/files/` (FileStore):
  the PDFs laid out, keyed by the HTML handed to WeasyPrint (which embodies the sources and the templates that
  made it), the job's other fields, a hash of every file WeasyPrint may fetch (print CSS, fonts,
  images: everything under modules/, templates/ and fonts/ that is not a source text) and the
  builder version, so that a PDF whose key is unchanged is not laid out again; the books put together from
  them (the course reader, the facilitator guides), keyed by their parts; and each language's ZIM file and EPUB
  books, keyed by the trainee site they are made from (readers_key).

- A few other expensive functions whose result depends only on their arguments (cutting font subsets)
  are kept the same way, files among their arguments hashed by content.

How the caches reach the code: `session()` installs them through the hooks that markup and fonts
document (`markup.caching`, `fonts.caching`: context variables, so the build's thread sees them and
nothing else does), and the PDF stage (pdf_stage.build) lays out PDFs through `Session.render_pdfs`, which the
pipeline hands it. No module attribute
is replaced.

Page templates are cheap and always applied, so a page always reflects the current templates,
navigation and glossary. The result is byte-identical to a clean build by construction; tests prove
it on sequences of edits, renames and deletions (tests/test_incremental.py).

The manifest, `output/.manifest.json`, records the builder version, the configuration slice, the hash
of every source and template, the keys of the files kept, and the hash of every output file. It and the caches in
`output/.cache/` are written last, only after a successful build. `--clean` ignores them.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import json
import logging
import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import hooks, markup, store
from .problems import Problem, Report

log = logging.getLogger(__name__)

MANIFEST = ".manifest.json"
STAMPS = ".stamps.json"  # sizes and times of the outputs: not deterministic, so not in the manifest
CACHE = ".cache"
RENDERS, FUNCTIONS, FILES = "render.json", "functions.json", "files"  # FILES: the FileStore's folder
FORMAT = 4  # bump when the layout of the manifest or the caches changes
SOURCE_SUFFIXES = {".md", ".yaml", ".yml"}  # reach a PDF only through its HTML
PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def builder_version() -> str:
    """Hash of the builder's own code and of the libraries whose output ends up in the files."""
    from importlib import metadata
    h = hashlib.sha256(f"format {FORMAT}; python {sys.version_info[:2]}\n".encode())
    for path in sorted(PACKAGE.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("markdown", "pymdown-extensions", "jinja2", "weasyprint", "pyyaml", "pydyf", "fonttools", "babel",
                 "pyicu-wheels", "pillow", "brotli", "pikepdf", "rcssmin", "rjsmin", "myanmartools", "libzim"):
        try:
            h.update(f"{dist} {metadata.version(dist)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist} absent\n".encode())
    return h.hexdigest()[:20]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(folder: Path, base: Path, keep=lambda p: True) -> dict[str, str]:
    """sha256 of every file under `folder` (hidden files and folders skipped), keyed by path from `base`."""
    out = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file() or not keep(path):
            continue
        out[path.relative_to(base).as_posix() if base in path.parents else path.as_posix()] = file_hash(path)
    return out


# --- Markdown renders ---------------------------------------------------------------------------

@store.register
@dataclass
class RenderEntry:
    """One cached render: its result, the callback answers it depended on, the problems it reported."""

    html: str
    toc: list
    state: object  # markup.DocState without path and report
    calls: tuple  # (callback name, args, keyword args, answer)
    problems: tuple  # (report method, args, kwargs)
    source: str = ""  # the file rendered ("<inline>" for snippets)


_MISSING = object()


class RenderMemo:
    """The render cache that `markup.caching` installs: reuses earlier renders with the same inputs."""

    VARIANTS = 8  # the same text rendered in different contexts (validation, each site, print)

    def __init__(self, entries: dict | None = None, places: store.Places | None = None):
        self.places = places or store.Places([])  # the key names a file from the project root: relocatable
        self.previous: dict[str, list[RenderEntry]] = entries or {}
        self.used: dict[str, list[RenderEntry]] = {}
        self.hits = self.misses = 0
        self.documents_rendered: list[str] = []  # files (not inline snippets) actually rendered
        self.on_document = None  # progress callback: on_document(path, reused)
        self._digests: dict[int, tuple[object, str]] = {}

    def _digest(self, value) -> str:
        """Stable digest of a plain value; dicts such as the glossary are hashed once per object."""
        if isinstance(value, (dict, list, tuple)):
            known = self._digests.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
            # repr names the files entries come from: by their place in the project, not on this machine
            digest = hashlib.sha256(self.places.portable(repr(value)).encode("utf-8")).hexdigest()
            self._digests[id(value)] = (value, digest)  # keep the object alive so its id is not reused
            return digest
        return self.places.portable(repr(value))

    def key(self, text, path, ctx, options: dict) -> str:
        h = hashlib.sha256()
        for part in (builder_version(), self.places.portable(str(path)), repr(sorted(options.items()))):
            h.update(part.encode("utf-8") + b"\0")
        for f in dataclasses.fields(ctx):
            value = getattr(ctx, f.name)
            if not callable(value):
                h.update(f.name.encode() + b"=" + self._digest(value).encode("utf-8") + b"\0")
        h.update(text.encode("utf-8"))
        return h.hexdigest()

    def render(self, convert, text, *, path, report, ctx, **options):
        """What `convert(text, path=..., report=..., ctx=..., **options)` returns (markup.convert, the
        uncached renderer), from the cache when possible; every option (audience, medium, ...) is in the key."""
        key = self.key(text, path, ctx, options)
        document = str(path) != "<inline>"
        entry = self._find(key, ctx)
        if entry is not None:
            for method, args, kwargs in entry.problems:
                getattr(report, method)(*args, **kwargs)
            self._keep(key, entry)
            self.hits += 1
            if document and self.on_document:
                self.on_document(path, True)
            state = dataclasses.replace(copy.deepcopy(entry.state), path=path, report=report)
            return markup.Rendered(entry.html, copy.deepcopy(entry.toc), state)
        calls: list = []
        traced = hooks.traced(ctx, calls)
        recorder = hooks.RecordingReport(report)
        rendered = convert(text, path=path, report=recorder, ctx=traced, **options)
        rendered.state.report = report
        self.misses += 1
        if document:
            self.documents_rendered.append(str(path))
            if self.on_document:
                self.on_document(path, False)
        stored = copy.deepcopy(dataclasses.replace(rendered.state, path=None, report=None))
        self._keep(key, RenderEntry(rendered.html, copy.deepcopy(rendered.toc), stored, tuple(calls),
                                    tuple(recorder.problems), str(path)))
        return rendered

    def _find(self, key, ctx) -> RenderEntry | None:
        """A cached render of these inputs whose callbacks give the same answers in this context."""
        for entry in self.used.get(key, []) + self.previous.get(key, []):
            if hooks.same_answers(ctx, entry.calls):
                return entry
        return None

    def _keep(self, key, entry: RenderEntry) -> None:
        variants = self.used.setdefault(key, [])
        if not any(e is entry for e in variants):
            variants.append(entry)
            del variants[:-self.VARIANTS]


# --- Other expensive, deterministic functions --------------------------------------------------

class FunctionMemo:
    """Results of functions whose result depends only on their arguments (files by content), worth
    keeping between builds: cutting font subsets (`fonts.caching` installs this memo) takes longer than
    rendering a whole course. Keyed by the builder version, the function and its arguments."""

    def __init__(self, previous: dict | None = None):
        self.previous = previous or {}
        self.used: dict[str, object] = {}
        self.hits = self.misses = 0

    def call(self, fn, *args, **kwargs):
        """fn(*args, **kwargs), taken from this build or the last one when they computed it already."""
        key = self.key(fn, args, kwargs)
        found = self._find(key)
        if found:
            self.hits += 1
            value = found[0]
        else:
            self.misses += 1
            value = fn(*args, **kwargs)
        self.used[key] = value
        return value

    def _find(self, key) -> tuple:
        """(value,) computed by this build or the last one, or ()."""
        for kept in (self.used, self.previous):
            value = kept.get(key, _MISSING)
            if value is not _MISSING:
                return (value,)
        return ()

    def known(self, fn, *args) -> tuple | None:
        """(fn(*args),) when this build or the last one computed it, else None (nothing is computed)."""
        key = self.key(fn, args, {})
        found = self._find(key)
        if not found:
            return None
        self.hits += 1
        self.used[key] = found[0]
        return found

    def keep(self, fn, args: tuple, value) -> None:
        """Remember fn(*args) = value, computed elsewhere (in a pool of workers)."""
        self.misses += 1
        self.used[self.key(fn, args, {})] = value

    @staticmethod
    def key(fn, args, kwargs) -> str:
        h = hashlib.sha256(f"{builder_version()} {fn.__module__}.{fn.__qualname__}\n".encode())
        for arg in list(args) + sorted(kwargs.items()):
            h.update(_argument_digest(arg) + b"\0")
        return h.hexdigest()


def _argument_digest(value) -> bytes:
    if isinstance(value, Path):  # by name and content, not by where the project is
        content = file_hash(value) if value.is_file() else "absent"
        return f"path {value.name} {content}".encode("utf-8")
    if isinstance(value, (set, frozenset)):
        return repr(sorted(value, key=repr)).encode("utf-8")
    if isinstance(value, (bytes, bytearray)):  # a PDF: by its content's digest, not its megabytes of repr
        return b"bytes " + hashlib.sha256(value).hexdigest().encode()
    if isinstance(value, tuple):
        return b"(" + b",".join(_argument_digest(v) for v in value) + b")"
    return repr(value).encode("utf-8")


# --- Up to date: nothing the build reads has changed since the last build --------------------------

INPUT_FOLDERS = ("modules", "templates", "fonts", "locale")


def input_fingerprint(roots) -> str:
    """Hash of everything a build reads: the builder (its code and libraries) and every file under modules/,
    templates/, fonts/ and locale/ of the project and of the builder, by place and content. The participants'
    CSV is not in it: a build with --participants always runs."""
    h = hashlib.sha256(f"{builder_version()}\n{os.environ.get('SOURCE_DATE_EPOCH')}\n".encode())
    seen = set()
    for number, root in enumerate(roots):
        root = Path(root).resolve()
        if root in seen:
            continue
        seen.add(root)
        for sub in INPUT_FOLDERS:
            for rel, digest in tree_hashes(root / sub, root).items():
                h.update(f"{number}/{rel} {digest}\n".encode("utf-8"))
    return h.hexdigest()


def _stamp(path: Path) -> list | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def up_to_date(output: Path, fingerprint: str, config: dict | None) -> list[Problem] | None:
    """The problems the last build reported, if it read exactly these inputs and (for a build, `config` given)
    was made with the same options and left every output file as it wrote it; otherwise None.

    `config` None asks for `check`: the problems of the validation stages only."""
    manifest = load_manifest(output)
    if not manifest or manifest.get("inputs") != fingerprint:
        return None
    if config is None:
        return [Problem(*p) for p in manifest.get("check_problems", [])]
    if manifest.get("config") != config or manifest.get("partial"):
        return None
    try:
        stamps = json.loads((output / STAMPS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamps, dict) or set(stamps) != set(manifest.get("outputs", {})):
        return None
    for rel, stamp in stamps.items():
        if _stamp(output / rel) != stamp:
            return None
    return [Problem(*p) for p in manifest.get("problems", [])]


# --- The session: caches loaded before a build, saved after a successful one ---------------------

@dataclass
class Stats:
    """What a build did and did not have to redo."""

    renders_reused: int = 0
    renders_done: int = 0
    documents_rendered: list = field(default_factory=list)  # source files whose Markdown was rendered
    pdfs_reused: list = field(default_factory=list)
    pdfs_laid_out: list = field(default_factory=list)
    pages_laid_out: int = 0  # pages of the PDFs laid out (a book's parts are laid out once, never the book)
    files_reused: int = 0  # ZIM files and EPUB books taken from the cache (Session.reuse_files)
    changed: list = field(default_factory=list)  # output files new or different since the last build
    removed: list = field(default_factory=list)  # output files the last build had and this one has not
    unchanged: int = 0


class FileStore:
    """Files a build made that the next build may take instead of making them again, by key: the PDFs laid out
    (pdf_key), the books put together from them ("book-..."), each language's ZIM file and EPUB books
    ("file-...", their content's hash) with the index of their names ("files-...", Session.reuse_files).
    Each is one file of `folder`; the manifest keeps their index (sha256 and the problems reported when it was
    made), so that a file changed or missing is simply made again."""

    def __init__(self, folder: Path, index: dict):
        self.folder, self.index = folder, dict(index)
        self.new: dict[str, tuple[bytes, list]] = {}  # key -> (data, problems)
        self.used: set[str] = set()

    def path(self, key: str) -> Path:
        """PDFs as .pdf; the ZIM files, EPUB books and their index as .data, so that nothing that reads the store's
        PDFs (the participants' privacy test) takes them for PDFs."""
        return self.folder / (f"{key}.data" if key.startswith(("files-", "file-")) else f"{key}.pdf")

    def get(self, key: str) -> tuple[bytes, list] | None:
        """(data, problems) made from the inputs `key` names, by this build or the last one; None if not kept."""
        self.used.add(key)
        if key in self.new:
            return self.new[key]
        meta = self.index.get(key)
        path = self.path(key)
        if not meta or not path.is_file():
            return None
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            return None
        return data, [tuple(p) for p in meta.get("problems", [])]

    def put(self, key: str, data: bytes, problems=()) -> None:
        self.used.add(key)
        self.new[key] = (data, list(problems))

    def save(self, partial: bool) -> dict:
        """Write the new files, remove those this build did not use (a partial build keeps them all) and return
        the index for the manifest."""
        self.folder.mkdir(parents=True, exist_ok=True)
        kept = {k: v for k, v in self.index.items() if partial or k in self.used}
        for key, (data, problems) in sorted(self.new.items()):
            _write_if_changed(self.path(key), data)
            kept[key] = {"sha256": hashlib.sha256(data).hexdigest(), "problems": [list(p) for p in problems]}
        for stale in self.folder.iterdir():
            if stale.is_file() and stale.stem not in kept:
                stale.unlink()
        return dict(sorted(kept.items()))


class Session:
    """The caches for one output folder during one build."""

    def __init__(self, output: Path, roots=(), use_previous: bool = True, progress=None):
        """`roots`: the project's folder, then the builder's: what cached text may mention, stored relative."""
        self.output, self.progress = output, progress
        self.roots = [Path(r).resolve() for r in roots]
        self.places = store.Places(self.roots)
        self.folder = output / CACHE
        self.manifest = load_manifest(output) if use_previous else {}
        entries = self._load(RENDERS) if self.manifest else {}
        self.memo = RenderMemo(entries, self.places)
        self.functions = FunctionMemo(self._load(FUNCTIONS) if self.manifest else {})
        if progress is not None:
            self.memo.on_document = progress.document
        self.files = FileStore(self.folder / FILES, self.manifest.get("files", {}) if self.manifest else {})
        self.stats = Stats()

    # Files kept in the FileStore: PDFs, books, ZIM and EPUB files ------------------------------------
    def render_pdfs(self, jobs, roots, report, workers=None) -> dict[str, bytes]:
        resources = resource_digest(roots)
        files, stale, keys = {}, [], {}
        for job in jobs:
            key = keys[job.name] = pdf_key(job, resources, self.places)
            cached = self.files.get(key)
            if cached is None:
                stale.append(job)
                continue
            data, problems = cached
            for p in problems:
                _add_problem(report, Problem(*p))
            files[job.name] = data
            self.stats.pdfs_reused.append(job.name)
        if stale:
            scratch = Report(report.root)
            if self.progress is not None:
                self.progress.pdfs_started([job.name for job in stale], len(jobs) - len(stale))
            import weasyprint  # noqa: F401 - imported once here, the forked PDF workers inherit it
            from . import pdfbook, render_pdf
            fresh = render_pdf.render_pdfs(stale, roots, scratch, workers)
            if self.progress is not None:
                self.progress.pdfs_finished()
            attributed = {job.name: [p for p in scratch.problems if p.message.startswith(job.name + ":")]
                          for job in stale}
            certain = sum(len(v) for v in attributed.values()) == len(scratch.problems)
            for p in scratch.problems:
                _add_problem(report, p)
            for job in stale:
                if job.name in fresh:
                    files[job.name] = fresh[job.name]
                    self.stats.pdfs_laid_out.append(job.name)
                    self.stats.pages_laid_out += pdfbook.page_count(fresh[job.name])
                    if certain:
                        self.files.put(keys[job.name], fresh[job.name],
                                       [dataclasses.astuple(p) for p in attributed[job.name]])
        return {job.name: files[job.name] for job in jobs if job.name in files}

    def assemble_book(self, front: bytes, parts: list[tuple[str, bytes]]) -> bytes:
        """pdfbook.assemble(front, parts), from the FileStore when the book was put together from the same front
        and parts before (a one-lesson edit changes one part of two books, not the other thirteen)."""
        from . import pdfbook
        h = hashlib.sha256(f"book {builder_version()}\n".encode() + hashlib.sha256(front).digest())
        for title, data in parts:
            h.update(title.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
        key = "book-" + h.hexdigest()
        cached = self.files.get(key)
        if cached is not None:
            return cached[0]
        data = pdfbook.assemble(front, parts)
        self.files.put(key, data)
        return data

    def reuse_files(self, key: str, make) -> dict[str, bytes]:
        """make() -> {name: bytes}, taken from the cache when an earlier build made it from the same inputs
        (`key`, e.g. readers_key): the ZIM file and the EPUB books of a language whose site did not change. The
        files are kept in the FileStore, with an index of their names."""
        index_key = "files-" + key
        index = self.files.get(index_key)
        if index is not None:
            found = {}
            for name, blob in json.loads(index[0]).items():
                cached = self.files.get(blob)
                if cached is None:
                    break
                found[name] = cached[0]
            else:
                self.stats.files_reused += len(found)
                return found
        made = make()
        names = {}
        for name, data in sorted(made.items()):
            blob = "file-" + hashlib.sha256(data).hexdigest()
            self.files.put(blob, data)
            names[name] = blob
        self.files.put(index_key, json.dumps(names, sort_keys=True).encode("utf-8"))
        return made

    # Saving -------------------------------------------------------------------------------------
    def finish(self, root: Path, files: dict[str, bytes], config: dict, partial: bool, templates: Path,
               fingerprint: str | None = None, problems=(), check_problems=()) -> Stats:
        """Compare with the last build, then save the manifest and caches (call only after a successful write).

        `fingerprint` (input_fingerprint), `problems` (all the build reported) and `check_problems` (what
        validation reported) let the next build or check with the same inputs answer at once (up_to_date)."""
        stats = self.stats
        memo = self.memo
        stats.renders_reused, stats.renders_done = memo.hits, memo.misses
        stats.documents_rendered = sorted(set(memo.documents_rendered))
        outputs = {rel: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
                   for rel, data in sorted(files.items())}
        before = self.manifest.get("outputs", {}) if self.manifest else {}
        stats.changed = sorted(rel for rel, o in outputs.items() if before.get(rel, {}).get("sha256") != o["sha256"])
        stats.unchanged = len(outputs) - len(stats.changed)
        if partial:
            outputs = {**before, **outputs}
        else:
            stats.removed = sorted(set(before) - set(outputs))
        self.folder.mkdir(parents=True, exist_ok=True)
        kept = self.files.save(partial)
        if partial:  # keep what this build did not need, except earlier renders of files rendered again
            again = set(memo.documents_rendered)
            entries = {k: v for k, v in memo.previous.items() if not any(e.source in again for e in v)}
            entries.update(memo.used)
        else:
            entries = memo.used  # only what this build used
        _write_if_changed(self.folder / RENDERS, _dump_entries(entries, self.places, memo.previous))
        functions = {**dict(self.functions.previous.items()), **self.functions.used} if partial else self.functions.used
        _write_if_changed(self.folder / FUNCTIONS, _dump_entries(functions, self.places, self.functions.previous))
        for old in ("render.pickle", "functions.pickle"):  # the caches of builders before FORMAT 3
            (self.folder / old).unlink(missing_ok=True)
        shutil.rmtree(self.folder / "pdf", ignore_errors=True)  # the FileStore of builders before FORMAT 4
        manifest = {
            "format": FORMAT,
            "builder": builder_version(),
            "inputs": fingerprint,
            "partial": partial,
            "problems": [dataclasses.astuple(p) for p in problems],
            "check_problems": [dataclasses.astuple(p) for p in check_problems],
            "config": config,
            "sources": tree_hashes(root / "modules", root),
            "templates": tree_hashes(templates, templates.parent),
            "files": kept,
            "outputs": dict(sorted(outputs.items())),
        }
        _write_if_changed(self.output / MANIFEST, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode())
        # Size and modification time of every output, to see at once that nothing was touched since (up_to_date):
        # apart from the manifest, which must be the same for the same build.
        stamps = {rel: _stamp(self.output / rel) for rel in sorted(outputs)}
        _write_if_changed(self.output / STAMPS, (json.dumps(stamps, sort_keys=True) + "\n").encode())
        return stats

    def _load(self, name: str):
        """A cache written by `_dump_entries`, its entries read when asked for (store.Kept); anything unreadable
        only costs time: an entry that cannot be read back is rendered again."""
        try:
            return store.read_kept((self.folder / name).read_bytes(), self.places)
        except (OSError, ValueError):
            return {}


def _add_problem(report, problem: Problem) -> None:
    # Problems kept from an earlier build already carry their project-relative path: add them as they are.
    if problem not in report.problems:
        report.problems.append(problem)


def load_manifest(output: Path) -> dict:
    """The manifest of the last successful build, or {} if there is none or it is from another builder."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("builder") != builder_version():
        return {}
    return data


def _dump_entries(entries: dict, places: store.Places, previous=None) -> bytes:
    """The cache as JSON (store.py): data only, never code; entries that cannot be stored are left out. What
    came unchanged from the last build's cache (`previous`, a store.Kept) is written in the form it was read in."""
    def plain(value):
        kept = previous.plain_of(value) if isinstance(previous, store.Kept) else None
        if kept is not None:
            return kept
        if isinstance(value, list):
            return [plain(v) for v in value]
        return store.plain(value, places)

    good = {}
    for key, entry in entries.items():
        try:
            good[places.portable(key)] = plain(entry)  # each entry converted once, if at all
        except store.Unstorable:  # rendered again next time
            continue
    return store.encode(good)


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` unless the file already holds exactly it: an unchanged build touches nothing."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    _atomic_write(path, data)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def resource_digest(roots) -> str:
    """Hash of every file WeasyPrint may fetch: non-source files under modules/, templates/ and fonts/, named
    by their place from each root (the project's, the builder's), not by where the project is."""
    h = hashlib.sha256()
    for number, root in enumerate(roots):
        root = Path(root).resolve()
        for sub in ("modules", "templates", "fonts"):
            hashes = tree_hashes(root / sub, root, keep=lambda p: p.suffix.lower() not in SOURCE_SUFFIXES
                                 and p.suffix.lower() not in (".html", ".py"))
            for rel, digest in hashes.items():
                h.update(f"{number}/{rel} {digest}\n".encode("utf-8"))
    return h.hexdigest()


def readers_key(lang: str, site: dict[str, bytes], shared: str) -> str:
    """The inputs of one language's ZIM file and EPUB books: its trainee site as built, and `shared`
    (readers_inputs: what every language's books read besides their site)."""
    h = hashlib.sha256(f"readers {builder_version()} {lang} {shared}\n".encode())
    for rel, data in sorted(site.items()):
        h.update(rel.encode("utf-8") + b" " + hashlib.sha256(data).digest() + b"\n")
    return h.hexdigest()


def readers_inputs(roots) -> str:
    """The templates and fonts, and the course's and modules' YAML with their translations (titles, metadata, the
    module order), of the project and of the builder: hashed once a build, for every language's readers_key.
    (The glossaries, references and lessons reach the books through the site.)"""
    h = hashlib.sha256()
    for number, root in enumerate(roots):
        root = Path(root).resolve()
        for sub, keep in (("templates", lambda p: True), ("fonts", lambda p: True),
                          ("modules", lambda p: p.name.split(".")[0] in ("course", "module")
                                       and p.suffix.lower() in (".yaml", ".yml"))):
            for rel, digest in tree_hashes(root / sub, root, keep=keep).items():
                h.update(f"{number}/{rel} {digest}\n".encode("utf-8"))
    return h.hexdigest()


def pdf_key(job, resources: str, places: store.Places) -> str:
    """The PDF's inputs: its HTML and other fields (the project's folder replaced by a placeholder: the HTML
    names images by file:// URLs) and the resources it may fetch."""
    h = hashlib.sha256(f"{builder_version()}\n{resources}\n".encode())
    for f in dataclasses.fields(job):
        value = getattr(job, f.name)
        h.update(f.name.encode() + b"=")
        h.update(places.portable(value).encode("utf-8") if isinstance(value, str) else repr(value).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:40]


# --- Wiring: the pipeline opens a session around each build --------------------------------------

@contextmanager
def session(output: Path, roots=(), use_previous: bool = True, progress=None):
    """Load the caches for `output` and install them in markup and fonts for the duration of a build.

    The pipeline lays out PDFs with the session's `render_pdfs` and saves the caches with `finish`."""
    from . import fonts  # fontTools: imported by a build, not by `check`, which opens no session
    s = Session(output, roots, use_previous, progress)
    with markup.caching(s.memo), fonts.caching(s.functions):
        yield s
