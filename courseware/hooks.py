"""A cache slot per context: how a build hands its caches to markup.render and fonts.subset_woff2 without
replacing module functions. Installed for the duration of a `with` block, seen only by that thread or
asyncio task. And what a cache needs to reuse a render safely: the questions a render asked of its context
(Traced) and the problems it reported (RecordingReport)."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager


class CacheHook:
    def __init__(self, name: str):
        self._var: contextvars.ContextVar = contextvars.ContextVar(name, default=None)

    def get(self):
        """The cache installed in this context, or None."""
        return self._var.get()

    @contextmanager
    def installed(self, cache):
        """Make `cache` the one `get` returns until the block ends."""
        token = self._var.set(cache)
        try:
            yield cache
        finally:
            self._var.reset(token)


class Traced:
    """A render-context callback that writes down every question and answer."""

    def __init__(self, name, fn, calls):
        self.name, self.fn, self.calls = name, fn, calls

    def __call__(self, *args, **kwargs):
        answer = self.fn(*args, **kwargs)
        self.calls.append((self.name, args, tuple(sorted(kwargs.items())), answer))
        return answer


class RecordingReport:
    """Passes problems on to the real report and keeps a copy to report again on a cache hit."""

    def __init__(self, report):
        self._report, self.problems = report, []

    def _record(self, method, *args, **kwargs):
        self.problems.append((method, args, kwargs))
        return getattr(self._report, method)(*args, **kwargs)

    def error(self, *args, **kwargs):
        return self._record("error", *args, **kwargs)

    def warning(self, *args, **kwargs):
        return self._record("warning", *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._record("add", *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._report, name)


def traced(ctx, calls: list):
    """A copy of a dataclass context whose callbacks write down their questions and answers in `calls`."""
    import dataclasses
    return dataclasses.replace(ctx, **{f.name: Traced(f.name, getattr(ctx, f.name), calls)
                                      for f in dataclasses.fields(ctx) if callable(getattr(ctx, f.name))})


def same_answers(ctx, calls) -> bool:
    """Whether `ctx` answers every recorded question as the context that was traced did."""
    return all(getattr(ctx, name)(*args, **dict(kwargs)) == answer for name, args, kwargs, answer in calls)
