"""Participants for named certificates: read from a CSV file that the trainer gives on the command line.

Participant data is personal data. It is read only from the file named with `--participants`, used
only for the named certificates and the named attendance sheets under output/pdf/, and never copied
into the repository, the sources, the HTML sites or any cache.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

NAME_COLUMNS = ("name", "full name", "participant", "participant name")
ORGANISATION_COLUMNS = ("organisation", "organization", "org")
COUNTRY_COLUMNS = ("country",)
MAX_NAME = 120


@dataclass(frozen=True)
class Participant:
    name: str
    organisation: str | None = None
    country: str | None = None  # printed on the attendance sheet only


def read_participants(path: Path, report) -> tuple[Participant, ...]:
    """Participants from a CSV with a header row and a `name` column; problems go to `report`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(path, 1, 1, f"cannot read the participants file: {exc.strerror}", "participants")
        return ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        report.error(path, line, 1, "the participants file is not UTF-8 text; in a spreadsheet, save it as "
                     "'CSV UTF-8 (comma delimited)'", "participants")
        return ()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        report.error(path, 1, 1, "the participants file is empty; the first row must name the columns, "
                     "for example: name,organisation", "participants")
        return ()
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # spreadsheets in many locales save with ';'
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(rows)]
    except csv.Error as exc:
        report.error(path, 1, 1, f"the participants file is not valid CSV: {exc}", "participants")
        return ()
    name_col = next((header.index(c) for c in NAME_COLUMNS if c in header), None)
    if name_col is None:
        found = ", ".join(f"'{h}'" for h in header if h) or "nothing"
        report.error(path, 1, 1, f"the participants file needs a 'name' column in its first row (found {found}); "
                     "for example: name,organisation", "participants")
        return ()
    org_col = next((header.index(c) for c in ORGANISATION_COLUMNS if c in header), None)
    country_col = next((header.index(c) for c in COUNTRY_COLUMNS if c in header), None)
    people = []
    try:
        for row in rows:
            line = rows.line_num
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            name = " ".join(cells[name_col].split()) if name_col < len(cells) else ""
            if not name:
                report.warning(path, line, 1, "row has no name; no certificate is made for it", "participants")
                continue
            if len(name) > MAX_NAME:
                report.error(path, line, 1, f"name is {len(name)} characters long; at most {MAX_NAME} fit on "
                             "a certificate (is this the right column?)", "participants")
                continue
            org, country = (cells[col] if col is not None and col < len(cells) and cells[col] else None
                            for col in (org_col, country_col))
            people.append(Participant(name, org, country))
    except csv.Error as exc:
        report.error(path, rows.line_num, 1, f"the participants file is not valid CSV: {exc}", "participants")
        return ()
    if not people:
        report.error(path, 1, 1, "the participants file lists nobody: add one row per participant under the "
                     "header row", "participants")
    return tuple(people)
