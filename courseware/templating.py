"""Jinja environment shared by the HTML and PDF renderers: strict undefined, autoescaping, filters."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .i18n import language_filter
from .load import hhmm
from .markup import smart_text


class TemplateError(Exception):
    """A template failed; carries the template file and line for the report."""

    def __init__(self, message, path, line):
        super().__init__(message)
        self.message, self.path, self.line = message, path, line


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates kept in memory for every environment `environment` makes (each site and each
    language has its own, with its own globals): a template is compiled once per process, not once per
    environment (Jinja's compiler was a tenth of the HTML stage). The bucket checks the template's source,
    and every environment is made with the same options, on which the compiled code depends."""

    def __init__(self):
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


COMPILED = SharedBytecode()


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=COMPILED,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The filters each language replaces (i18n.install), as filters Jinja does not fold (i18n.language_filter).
    env.filters["hhmm"] = language_filter(hhmm)
    env.filters["duration"] = language_filter(duration)
    env.filters["url_breaks"] = url_breaks
    env.filters["smart"] = smart_text  # a glossary entry's text with the lessons' typography
    env.globals["en"] = english_mark
    env.globals["en_span"] = english_span
    env.globals["has_italic"] = True  # False for scripts without italics (i18n.install)
    env.filters["digits"] = language_filter(str)  # the language's own digits in print (i18n.install)
    env.globals["counter_style"] = "decimal"
    env.globals["pdf_notice"] = lambda name, place="heading": ""  # a PDF's translation notice (languages.install)
    # English until i18n.install gives the language's own: a message's plural forms and the rule that picks one.
    env.globals["plural_forms"] = lambda singular, plural: [singular, plural]
    env.globals["plural_expr"] = "(n != 1)"
    # JSON in pages (quiz answers, interface words) keeps Khmer or Burmese as UTF-8 (3 bytes a character)
    # rather than \u escapes (6); tojson still escapes <, >, & and ' so that it cannot close the script.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.install_null_translations(newstyle=True)
    return env


def english_mark(item, field: str) -> Markup:
    """` lang="en"` where a translated site shows `item.field` in English (not translated yet), else nothing:
    `<h1{{ en(page.lesson, "title") }}>`. English sites never have such fields."""
    return Markup(' lang="en"') if field in getattr(item, "english", ()) else Markup("")


def english_span(item, field: str, shown: Markup | None = None) -> Markup:
    """`item.field` as text (or `shown`, the same made ready to print), inside `<span lang="en">` where a translated
    site shows it in English."""
    text = shown if shown is not None else escape(getattr(item, field))
    return Markup(f'<span lang="en">{text}</span>') if field in getattr(item, "english", ()) else text


# Where a long URL may break: after "//", before a single "/", before a ".".
URL_BREAK = re.compile(r"(?<=//)|(?<=[^/:])(?=/(?!/))|(?<=.)(?=\.)")


def url_breaks(url: str) -> Markup:
    """A URL shown as text that breaks across lines only at its slashes and dots (never inside "https" nor at a
    hyphen, where a reader would take the break for part of the address): a <wbr> at each place it may break,
    and the parts with a hyphen in a span that print.css keeps on one line."""
    parts = [p for p in URL_BREAK.split(url) if p]
    return Markup("<wbr>").join(Markup('<span class="nb">%s</span>') % p if "-" in p else escape(p) for p in parts)


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
