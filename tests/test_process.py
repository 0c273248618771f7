"""What a build leaves on the machine: nothing in the temporary folder, and no PDF worker once it has stopped,
whether it finished, was stopped with SIGTERM or was killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import COURSES, ROOT


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the parent pid is the 2nd field after it.
        if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
            out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


def wait_until(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path, monkeypatch):
    """WeasyPrint copies fonts into a weasyprint-* folder per document; with two workers and in-process."""
    from courseware.pipeline import Options, build
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    for workers in (2, 1):
        result = build(COURSES / "tiny", Options(workers=workers, clean=True), tmp_path / f"out{workers}")
        assert not result.report.errors, result.report.format()
        assert (tmp_path / f"out{workers}" / "pdf").is_dir()
        assert sorted(p.name for p in scratch.iterdir()) == []


@pytest.fixture
def start_pdf_build(tmp_path):
    """start() -> the shipped course's PDFs (minutes of layout) in a subprocess with its own temporary folder;
    whatever a failed test leaves running is killed at the end."""
    started = []

    def start() -> subprocess.Popen:
        scratch = tmp_path / "tmp"
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch)}
        started.append(_popen(tmp_path, env))
        return started[-1]

    yield start
    for build in started:
        for pid in children(build.pid):
            os.kill(pid, signal.SIGKILL)
        if build.poll() is None:
            build.kill()
        build.communicate()


def _popen(tmp_path, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--pdf-only", "--clean", "--jobs", "2",
                             "--output", str(tmp_path / "out"), "--root", str(ROOT)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def workers_of(build: subprocess.Popen) -> list[int]:
    assert wait_until(lambda: len(children(build.pid)) >= 2 or build.poll() is not None, 120), "no PDF worker"
    assert build.poll() is None, "the build ended before its PDF workers could be seen"
    time.sleep(0.5)  # the workers have started laying out
    return children(build.pid)


@pytest.mark.slow
def test_sigterm_stops_the_workers_and_cleans_up(tmp_path, start_pdf_build):
    build = start_pdf_build()
    workers = workers_of(build)
    build.send_signal(signal.SIGTERM)
    out, err = build.communicate(timeout=60)
    assert build.returncode == 130, (out, err)
    assert "Traceback" not in err, err
    assert wait_until(lambda: not any(alive(w) for w in workers), 10), "PDF workers outlived the build"
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / "out" / "pdf").exists(), "a stopped build wrote output"


@pytest.mark.slow
def test_killed_build_takes_its_workers_with_it(start_pdf_build):
    build = start_pdf_build()
    workers = workers_of(build)
    build.kill()
    build.communicate(timeout=60)
    assert wait_until(lambda: not any(alive(w) for w in workers), 10), "PDF workers kept running as orphans"
