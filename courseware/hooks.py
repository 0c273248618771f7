"""A cache slot per context: how a build hands its caches to markup.render and fonts.subset_woff2 without
replacing module functions. Installed for the duration of a `with` block, seen only by that thread or
asyncio task."""

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
