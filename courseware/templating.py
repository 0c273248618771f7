"""Jinja environment shared by the HTML and PDF renderers: strict undefined, autoescaping, filters."""

from __future__ import annotations

from pathlib import Path

import jinja2

from .load import hhmm


class TemplateError(Exception):
    """A template failed; carries the template file and line for the report."""

    def __init__(self, message, path, line):
        super().__init__(message)
        self.message, self.path, self.line = message, path, line


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["hhmm"] = hhmm
    env.filters["duration"] = duration
    env.install_null_translations(newstyle=True)
    return env


def duration(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    if h and m:
        return f"{h} h {m:02d} min"
    if h:
        return f"{h} h"
    return f"{m} min"


def render_template(env: jinja2.Environment, name: str, **context) -> str:
    """Render a template; turn Jinja failures into TemplateError pointing at the template line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message}", exc.filename or name, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        line, path = _template_position(exc, env, name)
        raise TemplateError(f"template uses an undefined value: {exc.message}", path, line) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template not found: {exc.name}", name, 1) from None


def _template_position(exc, env, name):
    import traceback
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and frame.filename.endswith(".html"):
            return frame.lineno or 1, frame.filename
    return 1, str(Path(env.loader.searchpath[0]) / name)
