"""The participants file for named certificates: what is read, and how problems are reported."""

from __future__ import annotations

import pytest

from conftest import COURSES
from courseware.certificates import Participant, read_participants
from courseware.problems import Report

TINY = COURSES / "tiny"


def read(tmp_path, data: bytes):
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    report = Report(tmp_path)
    return read_participants(path, report), [p.format() for p in report.sorted()]


@pytest.mark.parametrize("data", [
    b"name,organisation\nAye Aye,MAP Foundation\nLan,\n",
    b"\xef\xbb\xbfName;Organisation\r\nAye Aye;MAP Foundation\r\nLan;\r\n",  # Excel: BOM, ';' and CRLF
    b"Full name\tOrg\nAye  Aye \tMAP Foundation\n\nLan\t\n",
])
def test_spreadsheet_dialects_are_read(tmp_path, data):
    people, problems = read(tmp_path, data)
    assert people == (Participant("Aye Aye", "MAP Foundation"), Participant("Lan", None))
    assert problems == []


@pytest.mark.parametrize("data, expected", [
    (b"email,org\na@b.c,X\n", "people.csv:1:1: error: the participants file needs a 'name' column in its first row "
                              "(found 'email', 'org'); for example: name,organisation [participants]"),
    (b"name\nS\xe9verine\n", "people.csv:2:1: error: the participants file is not UTF-8 text; in a spreadsheet, save "
                            "it as 'CSV UTF-8 (comma delimited)' [participants]"),
    (b"", "people.csv:1:1: error: the participants file is empty; the first row must name the columns, for example: "
          "name,organisation [participants]"),
    (b"name,organisation\n,Lonely organisation\n",
     "people.csv:1:1: error: the participants file lists nobody: add one row per participant under the header row "
     "[participants]"),
])
def test_problems_are_reported_with_file_and_line(tmp_path, data, expected):
    people, problems = read(tmp_path, data)
    assert people == () and expected in problems


def test_a_country_column_is_read_for_the_attendance_sheet(tmp_path):
    people, problems = read(tmp_path, b"Name,Country,Organisation\nAye Aye,Myanmar,MAP Foundation\nLan,,\n")
    assert people == (Participant("Aye Aye", "MAP Foundation", "Myanmar"), Participant("Lan"))
    assert problems == []


def test_a_row_without_a_name_is_a_warning(tmp_path):
    people, problems = read(tmp_path, b"name,organisation\nAye Aye,\n,Orphan org\n")
    assert people == (Participant("Aye Aye"),)
    assert problems == ["people.csv:3:1: warning: row has no name; no certificate is made for it [participants]"]


def test_check_validates_the_participants_file(run, tmp_path):
    bad = tmp_path / "people.csv"
    bad.write_text("email\nx@y\n", encoding="utf-8")
    code, out, err = run("check", "--root", TINY, "--participants", bad)
    assert code == 1 and "needs a 'name' column" in err


@pytest.mark.parametrize("args, message", [
    (["--participants", "/nonexistent/people.csv"], "participants file not found"),
    (["--html-only", "--participants", __file__], "--participants needs a build that makes PDFs"),
])
def test_usage_errors(run, args, message):
    code, out, err = run("--root", TINY, *args)
    assert code == 2 and message in err


def test_help_says_names_never_reach_the_repository_or_the_site(run):
    code, out, err = run("--help")
    help_text = " ".join(out.split())
    assert code == 0 and "--participants FILE.csv" in help_text
    assert "never written to the repository, to output/html or to the build caches" in help_text
