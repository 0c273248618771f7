"""Deterministic zips, each distinct file deflated once per build: the LMS packages (lms.py) and the trainee
site's downloads (package.py) share most of their files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import zlib


class Zipper:
    """Deterministic zips: fixed times, sorted names, the files at the root or in one folder.

    Each distinct file is deflated once per build: the SCORM 1.2 and 2004 packages of a module hold the same
    files but two, every package of a language shares its assets, and each language's downloads hold its part of
    the whole site's. zipfile would deflate each copy again, so the archive is written here, in the plain zip
    format (no zip64: a package or a download is far below 4 GB)."""

    def __init__(self, date: dt.date):
        self.date = (max(date.year, 1980) - 1980) << 9 | date.month << 5 | date.day  # MS-DOS date; time 00:00
        self.deflated: dict[bytes, tuple[int, bytes, int]] = {}  # sha256 -> (method, bytes stored, crc32)

    def _store(self, data: bytes) -> tuple[int, bytes, int]:
        key = hashlib.sha256(data).digest()
        if key not in self.deflated:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as zip stores it
            deflated = packer.compress(data) + packer.flush()
            # Fonts and images are compressed already: stored as they are, they cost nothing to unzip. (A PDF's
            # streams are compressed too, but deflate still takes 8 % off the handouts: README, "Trainee site".)
            self.deflated[key] = (8, deflated, zlib.crc32(data)) if len(deflated) < len(data) else \
                (0, data, zlib.crc32(data))
        return self.deflated[key]

    def zip(self, files: dict[str, bytes], folder: str = "") -> bytes:
        """The zip of `files` ({path: bytes}), under `folder`/ if given (it unzips into that one folder)."""
        out, central = io.BytesIO(), io.BytesIO()
        prefix = f"{folder}/" if folder else ""
        for name in sorted(files):
            data = files[name]
            method, stored, crc = self._store(data)
            encoded = (prefix + name).encode("utf-8")
            flags = 0 if encoded.isascii() else 0x800  # bit 11: the name is UTF-8
            fields = struct.pack("<HHHHHIII", 20, flags, method, 0, self.date, crc, len(stored), len(data))
            offset = out.tell()
            out.write(struct.pack("<I", 0x04034B50) + fields + struct.pack("<HH", len(encoded), 0) + encoded)
            out.write(stored)
            central.write(struct.pack("<IH", 0x02014B50, 3 << 8 | 20) + fields  # made by: unix, zip 2.0
                          + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0o100644 << 16, offset) + encoded)
        directory = central.getvalue()
        start = out.tell()
        out.write(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), len(directory), start, 0))
        return out.getvalue()
