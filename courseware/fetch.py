"""The only way WeasyPrint reads files: inside the project, or a build error. Never the network."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


class ResourceError(FatalURLFetchingError):
    """A resource outside the project, on the network, or missing: stops the PDF with a clear message."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{reason}: {url}")
        self.url, self.reason = url, reason


class ProjectFetcher(URLFetcher):
    """Serve file:// URLs under the allowed roots (the course and the builder), and `course:` URLs (a path from
    the course's root, render_pdf.course_url); refuse everything else."""

    def __init__(self, roots):
        super().__init__(allowed_protocols=("file", "data", "course"))
        self.roots = [Path(r).resolve() for r in roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "course" and self.roots:
            rel = unquote(parts.path)
            if rel.startswith("/") or ".." in Path(rel).parts:
                raise ResourceError(url, "'..' and absolute paths are not allowed in resource paths")
            url = (self.roots[0] / rel).as_uri()
            parts = urlsplit(url)
        if parts.scheme != "file":
            raise ResourceError(url, "network and non-file URLs are not allowed in handouts")
        if parts.netloc not in ("", "localhost"):
            raise ResourceError(url, "file URLs must be local")
        raw_path = unquote(parts.path)
        if ".." in Path(raw_path).parts:
            raise ResourceError(url, "'..' is not allowed in resource paths")
        path = Path(raw_path).resolve()
        if not any(path == r or r in path.parents for r in self.roots):
            raise ResourceError(url, "resource is outside the project")
        if not path.is_file():
            raise ResourceError(url, "resource does not exist")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
