"""`build.py serve`: a live preview. Builds the sites, serves them on 127.0.0.1, rebuilds on every edit
and reloads the open page.

- The server is the standard library's http.server, bound to 127.0.0.1 only. It serves output/html at
  `/` and the facilitator site at `/facilitator/`.
- Sources (modules/) and the builder's templates (and interface-string catalogs) are watched with
  `watchfiles`; each batch of changes triggers one incremental build (HTML only: PDFs are for
  `build.py`), which takes a fraction of a second for a one-lesson edit.
- Served pages get one extra line, `<script src="/__livereload.js">`, added to the response only:
  the built files never contain it. The script listens to `/__livereload` (server-sent events);
  after a successful build it reloads the page; after a failed one it shows the problems in an
  overlay, while the server keeps serving the last good build. Problems are printed in the
  terminal too, in the same format as `check`. An engine crash during a rebuild is reported the
  same way and the server carries on.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import json
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .pipeline import TOOL_ROOT, Options, build

SCRIPT_PATH = "/__livereload.js"
EVENTS_PATH = "/__livereload"
STATUS_PATH = "/__status"
INJECT = f'<script src="{SCRIPT_PATH}"></script>\n'.encode()

LIVERELOAD_JS = r"""// Live preview (build.py serve only; never part of the built site).
(function () {
  var last = null;
  function overlay(status) {
    var old = document.getElementById("courseware-build-problems");
    if (old) old.parentNode.removeChild(old);
    if (status.ok) return;
    var box = document.createElement("div");
    box.id = "courseware-build-problems";
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "background:#fff4f4;color:#5a0000;border-top:4px solid #b00020;padding:1em 1.25em;" +
      "font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;box-shadow:0 -4px 16px rgba(0,0,0,.25)";
    var title = document.createElement("strong");
    title.textContent = status.title;
    title.style.cssText = "display:block;font:bold 16px/1.4 system-ui,sans-serif;margin-bottom:.5em";
    box.appendChild(title);
    var pre = document.createElement("pre");
    pre.style.cssText = "margin:0;white-space:pre-wrap";
    pre.textContent = status.problems.join("\n");
    box.appendChild(pre);
    var note = document.createElement("p");
    note.textContent = "This page shows the last good build. Fix the problem and save: the page reloads by itself.";
    note.style.cssText = "margin:.75em 0 0;font:13px system-ui,sans-serif";
    box.appendChild(note);
    document.body.appendChild(box);
  }
  var events = new EventSource("/__livereload");
  events.addEventListener("build", function (e) {
    var status = JSON.parse(e.data);
    if (last !== null && status.id !== last && status.ok) { location.reload(); return; }
    last = status.id;
    document.documentElement.setAttribute("data-livereload-build", status.id);  // connected
    overlay(status);
  });
})();
"""

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No site yet</title></head>
<body><h1>No site built yet</h1><p>The first build has not succeeded. Fix the problems shown below or in the
terminal and save: this page reloads by itself.</p></body></html>
"""


class LiveState:
    """The outcome of the latest build, shared between the builder thread and the page connections."""

    def __init__(self):
        self.changed = threading.Condition()
        self.id, self.ok, self.title, self.problems = 0, True, "", []
        self.closed = False

    def publish(self, ok: bool, title: str, problems: list[str]) -> None:
        with self.changed:
            self.id += 1
            self.ok, self.title, self.problems = ok, title, problems
            self.changed.notify_all()

    def snapshot(self) -> dict:
        with self.changed:
            return {"id": self.id, "ok": self.ok, "title": self.title, "problems": self.problems}

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site, with the live-reload script added to HTML responses."""

    state: LiveState
    sites: dict  # URL prefix -> folder; "" is the trainee site
    quiet: bool = True

    def translate_path(self, path):
        clean = unquote(urlsplit(path).path)
        for prefix, folder in sorted(self.sites.items(), key=lambda kv: -len(kv[0])):
            if prefix and (clean == prefix.rstrip("/") or clean.startswith(prefix)):
                rest = clean[len(prefix):]
                return self._inside(folder, rest)
        return self._inside(self.sites[""], clean)

    def _inside(self, folder: Path, rest: str) -> str:
        parts = [p for p in rest.split("/") if p and p not in (".", "..")]
        return str(Path(folder, *parts))

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):  # noqa: N802 - http.server's naming
        route = urlsplit(self.path).path
        if route == SCRIPT_PATH:
            return self._send(200, "text/javascript; charset=utf-8", LIVERELOAD_JS.encode("utf-8"))
        if route == EVENTS_PATH:
            return self._events()
        if route == STATUS_PATH:
            return self._send(200, "application/json", json.dumps(self.state.snapshot()).encode("utf-8"))
        path = Path(self.translate_path(self.path))
        if path.is_dir() and route.endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            return self._send(200, "text/html; charset=utf-8", inject(path.read_bytes()))
        if route in ("/", "/index.html") and not path.exists():
            return self._send(200, "text/html; charset=utf-8", inject(PLACEHOLDER.encode("utf-8")))
        return super().do_GET()

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the current build status now, then every new one, with keep-alives."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        state, sent = self.state, None
        try:
            while True:
                with state.changed:
                    if state.id == sent and not state.closed:
                        state.changed.wait(timeout=15)
                    if state.closed:
                        return
                    status = {"id": state.id, "ok": state.ok, "title": state.title, "problems": state.problems}
                if status["id"] != sent:
                    self.wfile.write(f"event: build\ndata: {json.dumps(status)}\n\n".encode("utf-8"))
                    sent = status["id"]
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        if not self.quiet:
            super().log_message(format, *args)


def inject(page: bytes) -> bytes:
    """Add the live-reload script before </body> (or at the end): in the response only."""
    index = page.rfind(b"</body>")
    return page + INJECT if index < 0 else page[:index] + INJECT + page[index:]


def watched_paths(root: Path) -> list[Path]:
    paths = [root / "modules", TOOL_ROOT / "templates", TOOL_ROOT / "locale"]
    return [p for p in paths if p.is_dir()]


def rebuild(root: Path, options: Options, output: Path, state: LiveState, debug: bool, out=sys.stdout) -> bool:
    """Build once; print the outcome and publish it to open pages. Never raises."""
    started = time.perf_counter()
    try:
        result = build(root, options, output)
    except Exception as exc:  # an engine bug: report it and keep serving
        lines = traceback.format_exc().strip().splitlines() if debug else [f"{type(exc).__name__}: {exc}"]
        print("build.py: internal error during rebuild:\n" + "\n".join(lines), file=sys.stderr, flush=True)
        state.publish(False, "The builder crashed (internal error)", lines)
        return False
    report = result.report
    problems = [p.format() for p in report.sorted()]
    for line in problems:
        print(line, file=sys.stderr)
    seconds = time.perf_counter() - started
    if report.errors:
        print(report.summary("build succeeded") + " (still serving the last good build)", file=sys.stderr,
              flush=True)
        state.publish(False, report.summary("build succeeded"), problems)
        return False
    stats = result.stats
    done = (f"{len(stats.documents_rendered)} Markdown file{'s' * (len(stats.documents_rendered) != 1)} rendered, "
            f"{len(stats.changed)} file{'s' * (len(stats.changed) != 1)} changed" if stats else "")
    print(f"{time.strftime('%H:%M:%S')} built in {seconds:.1f} s: {done}; "
          f"{len(report.warnings)} warning{'s' * (len(report.warnings) != 1)}", file=out, flush=True)
    state.publish(True, report.summary("build succeeded"), problems)
    return True


def _shown(path: Path) -> str:
    """A path as the author will recognise it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def serve(root: Path, options: Options, output: Path | None = None, port: int = 8000, debug: bool = False,
          host: str = "127.0.0.1") -> int:
    """Build, serve on host:port, and rebuild on every change until Ctrl-C."""
    import watchfiles

    if threading.current_thread() is threading.main_thread():
        # Ctrl-C stops the server even when this process was started with SIGINT ignored (a parent's setting that a
        # child inherits: a shell running it in the background, a test harness, a service manager). Installed first
        # and everything after it inside the `try`, so that Ctrl-C stops the server cleanly from the first build on:
        # installed after "Serving" was printed, a Ctrl-C sent as soon as that line appeared was lost (the server
        # ran on) or ended it with a traceback.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    output = output or root / "output"
    options = dataclasses.replace(options, html=True, pdf=False, check_only=False, progress=None)
    state = LiveState()
    server = None
    try:
        rebuild(root, options, output, state, debug)
        handler = type("Handler", (PreviewHandler,), {
            "state": state, "quiet": not debug,
            "sites": {"": output / "html", "/facilitator/": output / "facilitator"}})
        try:
            httpd = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(output)))
        except OSError as exc:
            print(f"build.py: error: cannot serve on {host}:{port}: {exc.strerror} (try --port 0 for any free port)",
                  file=sys.stderr)
            return 2
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, name="preview-server", daemon=True).start()
        server = httpd  # shut down in `finally` only once it serves: shutdown() waits for serve_forever to end
        url = f"http://{host}:{server.server_address[1]}/"
        # One write, its newline included (print writes `end` apart): a Ctrl-C sent as soon as "Serving" appears
        # must not cut the line before its end, where "stopped" would then follow.
        print(f"Serving {url} (trainee site) and {url}facilitator/ (facilitator site)\n"
              f"Watching {', '.join(_shown(p) for p in watched_paths(root))} "
              f"for changes; press Ctrl-C to stop.\n", end="", flush=True)
        for changes in watchfiles.watch(*watched_paths(root), debounce=400, step=60):
            names = sorted({os.path.relpath(path, root) for _, path in changes})
            print(f"{time.strftime('%H:%M:%S')} changed: {', '.join(names[:4])}{' …' if len(names) > 4 else ''}",
                  flush=True)
            rebuild(root, options, output, state, debug)
    except KeyboardInterrupt:
        pass
    finally:
        state.close()
        if server is not None:
            server.shutdown()
            server.server_close()
    print("stopped", flush=True)
    return 0
