"""Reject Burmese written in the Zawgyi encoding, which looks right only with a Zawgyi font.

Zawgyi reuses Unicode's Myanmar code points for other letters and orders them visually, so text typed
with a Zawgyi keyboard is garbled for every reader whose device uses a Unicode font, and breaks search
and line breaking. Google's `myanmartools` detector gives the probability that a string is Zawgyi; we
check each line that contains Myanmar letters and report those that are almost surely Zawgyi.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

MYANMAR = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
THRESHOLD = 0.95  # the detector's documented operating point: above it, text is almost surely Zawgyi


@functools.lru_cache(maxsize=1)
def _detector():
    import warnings
    with warnings.catch_warnings():  # myanmartools 1.2 loads its model with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        from myanmartools import ZawgyiDetector
        return ZawgyiDetector()


@functools.lru_cache(maxsize=1)
def _model() -> tuple[dict, object, int]:
    """The detector's model as a table: {character: state}, the log-likelihood ratio of each pair of states
    (NaN for a pair it does not score) and the number of states."""
    detector = _detector()
    return {c: i + 1 for i, c in enumerate(detector._chars)}, detector._params, len(detector._chars) + 1


def zawgyi_probability(text: str) -> float:
    """ZawgyiDetector.get_zawgyi_probability(text), the same number, about eight times as fast: one pass over the
    text with a table of states, where the detector makes two passes with a binary search per character (every
    Burmese line of every translation is checked, by each build and `check`)."""
    states, params, size = _model()
    total, scored, previous = 0, False, 0
    for state in [states.get(c, 0) for c in text] + [0]:  # the last character is paired with the end
        llr = params[previous * size + state]
        if llr == llr:  # not NaN
            total += llr
            scored = True
        previous = state
    if not scored:
        return -math.inf
    if total >= 0:
        z = math.exp(-total)
        return z / (z + 1)
    return 1 / (1 + math.exp(total))


def is_zawgyi(text: str) -> bool:
    return bool(MYANMAR.search(text)) and zawgyi_probability(text) > THRESHOLD


def check_text(text: str, path: Path, first_line: int, report, per_line: bool = False) -> int:
    """Report Zawgyi-encoded lines of `text` (which starts at `first_line` of `path`); return how many."""
    if not MYANMAR.search(text):
        return 0
    found = 0
    chunks = text.split("\n") if per_line else [text]
    for offset, chunk in enumerate(chunks):
        m = MYANMAR.search(chunk)
        if m and is_zawgyi(chunk):
            found += 1
            report.error(path, first_line + offset, m.start() + 1,
                         "Burmese text in the Zawgyi encoding; convert it to Unicode (for example with a Zawgyi "
                         "to Unicode converter) and type with a Unicode Myanmar keyboard", "zawgyi")
    return found
