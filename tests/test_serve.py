"""`build.py serve`: serves the site on 127.0.0.1, rebuilds on an edit and reloads the page in a real browser,
shows errors in the terminal and in the page, survives them, and never puts its script in the built files."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from courseware import serve as serve_module
from courseware.pipeline import Options

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).resolve().parent / "courses" / "tiny"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


class Server:
    """`build.py serve --port 0` in a subprocess, with its output collected line by line. `sigint_ignored`: started
    with SIGINT ignored, as a shell starts a command run in the background (the child inherits the setting)."""

    def __init__(self, root: Path, sigint_ignored: bool = False):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        shell = ["sh", "-c", 'trap "" INT; exec "$@"', "sh"] if sigint_ignored else []
        self.proc = subprocess.Popen([*shell, sys.executable, str(ROOT / "build.py"), "serve", "--root", str(root),
                                      "--port", "0"], cwd=root, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = self.wait_for(r"Serving (http://127\.0\.0\.1:\d+/)").group(1)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.proc.poll() is None, "server exited:\n" + "\n".join(self.log)
                continue
            self.log.append(line)
            if m := re.search(pattern, line):
                return m
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.log))

    def stop(self) -> int:
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGINT)
                self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.reader.join(timeout=5)
            while not self.lines.empty():
                self.log.append(self.lines.get())
            raise AssertionError("the server did not stop on Ctrl-C within 60 s; its output:\n" + "\n".join(self.log))
        finally:
            self.reader.join(timeout=5)
            self.proc.stdout.close()
        while not self.lines.empty():
            self.log.append(self.lines.get())
        return self.proc.returncode


@pytest.fixture
def project(tmp_path):
    shutil.copytree(TINY / "modules", tmp_path / "modules")
    return tmp_path


@pytest.fixture
def server(project):
    s = Server(project)
    yield s
    s.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_served_pages_get_the_reload_script_but_built_files_do_not(server, project):
    status, page = get(server.url + "basics/first-steps.html")
    assert status == 200 and '<script src="/__livereload.js"></script>\n</body>' in page
    built = (project / "output" / "html" / "basics" / "first-steps.html").read_text(encoding="utf-8")
    assert "__livereload" not in built
    assert page.replace('<script src="/__livereload.js"></script>\n', "") == built
    assert get(server.url)[1].count("__livereload.js") == 1  # the home page, from the folder URL
    status, page = get(server.url + "facilitator/basics/first-steps.html")
    assert status == 200 and "facilitator-note" in page
    assert get(server.url + "__livereload.js")[1].startswith("// Live preview")
    assert json.loads(get(server.url + "__status")[1])["ok"] is True
    assert get(server.url + "../modules/course.yaml")[0] == 404
    assert get(server.url + "%2e%2e/modules/course.yaml")[0] == 404
    assert not list((project / "output" / "html").rglob("__livereload*"))


@pytest.mark.browser
def test_edit_reloads_the_page_and_errors_show_in_an_overlay(server, project):
    from playwright.sync_api import sync_playwright
    lesson = project / "modules" / "01-basics" / "01-first-steps.md"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            external = []
            page.on("request", lambda r: None if r.url.startswith(server.url) else external.append(r.url))
            page.goto(server.url + "basics/first-steps.html")
            assert page.locator("h1").inner_text().strip() == "First steps"
            page.wait_for_selector("html[data-livereload-build]", state="attached")  # listening for builds
            page.evaluate("window.notReloaded = true")

            # An edit: the server rebuilds and the open page reloads by itself.
            edit(lesson, "title: First steps", "title: First steps, revised")
            server.wait_for(r"changed: modules/01-basics/01-first-steps\.md")
            server.wait_for(r"built in [0-9.]+ s: ")
            page.wait_for_function("() => document.querySelector('h1').textContent.includes('revised')",
                                   timeout=20000)
            assert page.evaluate("window.notReloaded") is None, "the page was reloaded"
            page.evaluate("window.notReloaded = true")

            # An error: shown in the terminal and over the page, which keeps the last good build.
            edit(lesson, "checks: [1]", "checks: [7]")
            server.wait_for(r"objective 7 does not exist.*\[bad-check\]")
            overlay = page.locator("#courseware-build-problems")
            overlay.wait_for(timeout=20000)
            assert "modules/01-basics/01-first-steps.md" in overlay.inner_text()
            assert "[bad-check]" in overlay.inner_text()
            assert page.evaluate("window.notReloaded") is True, "a failed build does not reload the page"
            assert "revised" in page.locator("h1").inner_text()
            page.screenshot(path=str(project / "overlay.png"))

            # A page opened while the build is broken shows the problems at once.
            other = browser.new_page()
            other.goto(server.url + "index.html")
            other.locator("#courseware-build-problems").wait_for(timeout=20000)
            other.close()

            # The fix: the server is still alive, rebuilds, and the page reloads without the overlay.
            edit(lesson, "checks: [7]", "checks: [1]")
            page.wait_for_function("() => window.notReloaded === undefined", timeout=20000)
            page.wait_for_load_state()
            assert page.locator("#courseware-build-problems").count() == 0
            assert "revised" in page.locator("h1").inner_text()
            assert external == []
        finally:
            browser.close()
    assert server.stop() == 0
    assert server.log[-1] == "stopped"


def test_ctrl_c_as_soon_as_it_serves_stops_it_even_when_started_with_sigint_ignored(project):
    """Ctrl-C the moment the server says it serves, in a process that inherited SIGINT ignored: it stops cleanly,
    every time. (Its handler was installed after that line: such a Ctrl-C was lost, and the server ran on, or it
    ended the server with a traceback. Before the handler, the server never stopped on Ctrl-C in a suite run with
    SIGINT ignored.)"""
    for _ in range(3):
        server = Server(project, sigint_ignored=True)
        assert server.stop() == 0, "\n".join(server.log)
        assert server.log[-1] == "stopped"


def test_rebuild_survives_an_engine_crash(tmp_path, monkeypatch, capsys):
    state = serve_module.LiveState()

    def crash(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(serve_module, "build", crash)
    assert serve_module.rebuild(tmp_path, Options(), tmp_path / "output", state, debug=False) is False
    snapshot = state.snapshot()
    assert snapshot["ok"] is False and snapshot["problems"] == ["RuntimeError: engine bug"]
    assert "internal error during rebuild" in capsys.readouterr().err


def test_inject_without_a_body_tag_appends():
    assert serve_module.inject(b"<p>x</p>") == b'<p>x</p><script src="/__livereload.js"></script>\n'
    assert serve_module.inject(b"<body>a</body></html>").endswith(b"</script>\n</body></html>")


def test_busy_port_is_a_usage_error(project, run):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code, out, err = run("serve", "--root", project, "--port", port)
    assert code == 2 and "cannot serve on 127.0.0.1" in err
