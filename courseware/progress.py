"""Progress while a build runs (with rich, only on a terminal) and the summary printed when it ends."""

from __future__ import annotations

import sys
from pathlib import Path


class Progress:
    """Silent progress: what a build reports to when nobody is watching (CI, logs, tests)."""

    def document(self, path, reused: bool) -> None:
        """A lesson (or other Markdown file) was rendered, or taken from the cache."""

    def pdfs_started(self, names: list[str], reused: int) -> None:
        """WeasyPrint starts laying out `names`; `reused` PDFs were unchanged."""

    def pdfs_finished(self) -> None:
        pass

    def close(self) -> None:
        pass


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape
    return rich_escape(text)


class TerminalProgress(Progress):
    """A live line on the terminal: documents rendered and reused, then the PDFs being laid out."""

    def __init__(self, stream=None):
        from rich.console import Console
        from rich.progress import Progress as Bar, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.table import Column

        self.console = Console(file=stream or sys.stdout)
        self.bar = Bar(SpinnerColumn(), TimeElapsedColumn(),
                       TextColumn("{task.description}", table_column=Column(no_wrap=True, overflow="ellipsis")),
                       console=self.console, transient=True)
        self.rendered = self.reused = 0
        self.task = None
        self.root = Path.cwd()

    def _show(self, text: str) -> None:
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task(text, total=None)
        else:
            self.bar.update(self.task, description=text)

    def document(self, path, reused: bool) -> None:
        if reused:
            self.reused += 1
        else:
            self.rendered += 1
        try:
            name = Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            name = Path(path).name
        self._show(f"Rendering Markdown: {self.rendered} rendered, {self.reused} unchanged  [dim]{escape(name)}[/]")

    def pdfs_started(self, names: list[str], reused: int) -> None:
        kept = f", {reused} unchanged" if reused else ""
        self._show(f"Laying out {len(names)} PDF{'s' * (len(names) != 1)} with WeasyPrint{kept}")

    def pdfs_finished(self) -> None:
        self._show("Writing the site and PDFs")

    def close(self) -> None:
        if self.task is not None:
            self.bar.stop()
            self.task = None


def for_stream(stream=None) -> Progress:
    """Live progress when `stream` (default stdout) is a terminal, silence otherwise."""
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    return TerminalProgress(stream) if isatty and isatty() else Progress()


def size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:.1f} MB"
    if n >= 1000:
        return f"{n / 1e3:.0f} kB"
    return f"{n} B"


def summary(files: dict[str, bytes], seconds: float, warnings: int, stats=None) -> str:
    """The lines printed after a successful build: pages, PDFs, other files, sizes, time, warnings, reuse."""
    pages = {k: v for k, v in files.items() if k.endswith(".html")}
    pdfs = {k: v for k, v in files.items() if k.startswith("pdf/") and k.endswith(".pdf")}
    other = {k: v for k, v in files.items() if k not in pages and k not in pdfs}
    sites = sorted({k.split("/", 1)[0] for k in pages})
    per_site = ", ".join(f"{site} {sum(1 for k in pages if k.startswith(site + '/'))}" for site in sites)
    total = sum(len(v) for v in files.values())
    rows = [("pages", len(pages), sum(map(len, pages.values())), per_site),
            ("PDFs", len(pdfs), sum(map(len, pdfs.values())), ""),
            ("other files", len(other), sum(map(len, other.values())), "assets, images, handout copies")]
    lines = [f"  {name:<12}{count:>6}  {size(nbytes):>9}  {note}".rstrip() for name, count, nbytes, note in rows]
    lines.append(f"  {'total':<12}{len(files):>6}  {size(total):>9}  in {seconds:.1f} s, "
                 f"{warnings} warning{'s' * (warnings != 1)}")
    if stats is not None:
        lines.append(f"  redone: {len(stats.documents_rendered)} Markdown file{'s' * (len(stats.documents_rendered) != 1)}"
                     f" rendered, {len(stats.pdfs_laid_out)} PDF{'s' * (len(stats.pdfs_laid_out) != 1)} laid out "
                     f"({len(stats.pdfs_reused)} unchanged); {len(stats.changed)} output file"
                     f"{'s' * (len(stats.changed) != 1)} changed, {len(stats.removed)} removed")
    return "\n".join(lines)
