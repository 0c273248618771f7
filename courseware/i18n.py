"""Interface languages: gettext catalogs (Babel), Jinja translations, lesson labels, dates and numbers.

The catalogs live in locale/<lang>/LC_MESSAGES/messages.po and are compiled in memory at build
time, so a .po edit can never be shadowed by a stale .mo. `python -m courseware.i18n update`
extracts every `_("...")` from the templates and the Python code (plus the lesson labels) into
locale/messages.pot and adds new strings to each .po (`--prune` also drops unused ones); `python -m courseware.i18n check` lists
what is untranslated. English is the source language and needs no catalog.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gettext
import io
import sys
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal

from .markup import Labels

TOOL_ROOT = Path(__file__).resolve().parent.parent
LOCALE = TOOL_ROOT / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
SUPPORTED = ("en", "km", "my", "th", "vi")
FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # keeps catalog headers stable across updates
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
                 "newstyle_gettext": "true"}


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


# Strings built in Python rather than in templates: language notices and the switcher.
NOTICES = (
    N_("Language"),
    N_("Read this page in another language"),
    N_("This page is shown in English because it has not been translated yet."),
    N_("Draft translation: machine-drafted and not yet reviewed by a native speaker."),
    N_("This translation is out of date: the English page has changed since it was translated."),
    N_("Parts of this page are shown in English because they have not been translated yet."),
    N_("Translation notes"),
)


# Scripts with no italic face: emphasis is bold there and italics used for style are upright (print.css, style.css),
# so no text may say "in italics" to their readers.
NO_ITALIC = frozenset({"km", "my", "th"})


def autonym(lang: str) -> str:
    """The language's name in itself: ខ្មែរ, မြန်မာ, ไทย, Tiếng Việt, English."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:] if lang in ("en", "vi") else name


def language_name(lang: str, in_lang: str) -> str:
    """The name of `lang` written in `in_lang` (for notices such as "not yet translated into Khmer")."""
    return Locale.parse(lang).get_display_name(in_lang) or lang


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> Catalog | None:
    path = po_path(lang)
    if lang == SOURCE_LANGUAGE or not path.is_file():
        return None
    with path.open("rb") as f:
        return read_po(f, locale=lang)


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """gettext translations for `lang`, compiled from its .po in memory; English gets null translations."""
    cat = catalog(lang)
    if cat is None:
        return gettext.NullTranslations()
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str):
    return translations(lang).gettext


def plural_expr(lang: str) -> str:
    """The catalog's plural rule as a C expression of n, as in its Plural-Forms header: "(n != 1)", "0"."""
    cat = catalog(lang)
    return cat.plural_expr if cat is not None else "(n != 1)"


def plural_forms(lang: str, singular: str, plural: str) -> list[str]:
    """Every plural form of a message in `lang`, in the catalog's order (English: singular, plural), for a
    script that picks one with plural_expr when it knows the number."""
    cat = catalog(lang)
    found = cat.get(singular) if cat is not None else None
    strings = found.string if found is not None and not found.fuzzy else None
    if isinstance(strings, (tuple, list)) and all(strings):
        return list(strings)
    return [singular, plural]


def labels(lang: str) -> Labels:
    """The lesson labels (Activity, Key points, ...) in `lang`."""
    _ = gettext_for(lang)
    defaults = Labels()
    words = {f.name: _(getattr(defaults, f.name)) for f in dataclasses.fields(Labels)
             if isinstance(getattr(defaults, f.name), str) and f.name != "plural"}
    return Labels(**words, minutes=tuple(plural_forms(lang, *defaults.minutes)), plural=plural_expr(lang))


def format_day(value: dt.date, lang: str, form: str = "long") -> str:
    """A date in the reader's language: "15 January 2026", "15 มกราคม 2026", "ngày 15 tháng 1 năm 2026"."""
    return format_date(value, format=form, locale=_babel_locale(lang))


def format_number(value, lang: str, pattern: str | None = None) -> str:
    # Latin digits from Babel in every language (its dates have them too); print turns them into the language's
    # own digits where its translations write those (digits(), below).
    return format_decimal(value, format=pattern, locale=_babel_locale(lang), numbering_system="latn")


# One digit system per document (issue 13). The course's Khmer and Burmese translations write numbers in their own
# digits, so the PDFs in these languages show page numbers, list numbers, dates, times and counts in them too;
# the Thai and Vietnamese translations write 0-9, and so do their PDFs. (The sites keep 0-9: their scripts count
# answers and progress in 0-9.) English text inside a translation (references, untranslated parts) keeps 0-9.
NATIVE_DIGITS = {"km": "០១២៣៤៥៦៧៨៩", "my": "၀၁၂၃၄၅၆၇၈၉"}
COUNTER_STYLES = {"km": "khmer", "my": "myanmar"}  # WeasyPrint's predefined counter styles for those digits


def digits(value, lang: str) -> str:
    """`value` as text, with 0-9 written in the language's own digits where its print uses them."""
    native = NATIVE_DIGITS.get(lang)
    text = str(value)
    return text.translate(str.maketrans("0123456789", native)) if native else text


def counter_style(lang: str) -> str:
    """The CSS counter style of the language's digits, for page numbers and numbered lists in print."""
    return COUNTER_STYLES.get(lang, "decimal")


def _babel_locale(lang: str) -> str:
    # Thai dates in Babel default to the Buddhist calendar only with th_TH@calendar=buddhist; the course
    # prints Gregorian dates everywhere so that trainees from five countries compare the same dates.
    return {"en": "en_GB"}.get(lang, lang)


def duration(minutes: int, lang: str) -> str:
    """A length of time such as "1 h 30 min" in the reader's language."""
    _ = gettext_for(lang)
    h, m = divmod(int(minutes), 60)
    if h and m:
        return _("%(h)s h %(m)s min") % {"h": format_number(h, lang), "m": format_number(m, lang, "00")}
    if h:
        return _("%(h)s h") % {"h": format_number(h, lang)}
    return _("%(m)s min") % {"m": format_number(m, lang)}


def language_filter(function):
    """`function` as a Jinja filter that Jinja never folds at compile time. The environments of all languages share
    compiled templates (templating.COMPILED), and Jinja computes a filter applied to a literal (`{{ 1 | digits }}`)
    while it compiles, with the filters of the environment compiling it: the Burmese reader's contents printed
    the English "1". A filter that takes the template context is always called when the template runs."""
    return jinja2.pass_context(lambda _context, *args, **kwargs: function(*args, **kwargs))


def install(env, lang: str, medium: str = "web") -> None:
    """Give a Jinja environment the catalog, filters and globals of one language; for print (`medium`), numbers
    in the language's own digits where its print uses them (NATIVE_DIGITS)."""
    from .load import hhmm
    env.install_gettext_translations(translations(lang), newstyle=True)
    native = medium == "print" and lang in NATIVE_DIGITS

    def shown(value) -> str:
        return digits(value, lang) if native else str(value)
    env.filters["duration"] = language_filter(lambda minutes: shown(duration(minutes, lang)))
    env.filters["date"] = language_filter(lambda value, form="long": shown(format_day(value, lang, form)))
    env.filters["number"] = language_filter(lambda value: shown(format_number(value, lang)))
    env.filters["hhmm"] = language_filter(lambda minutes: shown(hhmm(minutes)))
    env.filters["digits"] = language_filter(shown)
    env.globals["counter_style"] = counter_style(lang) if native else "decimal"
    if native:
        _native_gettext(env, shown)
    env.globals["lang"] = lang
    env.globals["has_italic"] = lang not in NO_ITALIC
    env.globals["autonym"] = autonym
    env.globals["plural_forms"] = lambda singular, plural: plural_forms(lang, singular, plural)
    env.globals["plural_expr"] = plural_expr(lang)


def _native_gettext(env, shown) -> None:
    """Make `_()` and `ngettext()` write the whole numbers they are given in the language's digits:
    `_("Module %(n)s", n=2)` gives "ម៉ូឌុល ២" in Khmer print."""
    from jinja2 import pass_context
    base_gettext, base_ngettext = env.globals["gettext"], env.globals["ngettext"]

    def convert(variables: dict) -> dict:
        return {k: shown(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in variables.items()}

    @pass_context
    def gettext(context, string, **variables):
        return base_gettext(context, string, **convert(variables))

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        return base_ngettext(context, singular, plural, num, **convert(variables))
    env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext)


# --- Catalog maintenance: extract, merge, check ------------------------------------------------

def extract() -> Catalog:
    """Every interface string: `_()` in templates and Python, the lesson labels, the notices."""
    template = Catalog(project="advocacy-with-asean", version="1", creation_date=FIXED_DATE,
                       revision_date=FIXED_DATE, charset="utf-8", fuzzy=False)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2),
                "plural_forms": (1, 2)}
    method_map = [("html/**.html", "jinja2.ext:babel_extract"), ("pdf/**.html", "jinja2.ext:babel_extract"),
                  ("epub/**.xhtml", "jinja2.ext:babel_extract")]  # the EPUB books' title page and contents
    for filename, lineno, message, comments, context in extract_from_dir(
            str(TOOL_ROOT / "templates"), method_map, {"**.html": JINJA_OPTIONS, "**.xhtml": JINJA_OPTIONS},
            keywords=keywords):
        template.add(message, locations=[(f"templates/{filename}", lineno)], auto_comments=comments, context=context)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(TOOL_ROOT / "courseware"), [("**.py", "python")], keywords=keywords):
        template.add(message, locations=[(f"courseware/{filename}", lineno)], auto_comments=comments,
                     context=context)
    for f in dataclasses.fields(Labels):
        if f.name != "plural":
            template.add(f.default, locations=[("courseware/markup.py", 0)], auto_comments=[f"lesson label: {f.name}"])
    return template


def _write(path: Path, cat: Catalog) -> None:
    buf = io.BytesIO()
    write_po(buf, cat, width=100, sort_output=True, include_previous=False, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def update(prune: bool = False) -> None:
    """Write locale/messages.pot and add its new strings to each language's .po, untranslated.

    With prune, strings no template or code uses any more are dropped from the catalogs."""
    template = extract()
    _write(LOCALE / f"{DOMAIN}.pot", template)
    for lang in SUPPORTED:
        if lang == SOURCE_LANGUAGE:
            continue
        path = po_path(lang)
        if path.is_file():
            with path.open("rb") as f:
                cat = read_po(f, locale=lang)
        else:
            cat = Catalog(locale=lang, project="advocacy-with-asean", version="1", creation_date=FIXED_DATE,
                          revision_date=FIXED_DATE, fuzzy=False)
        if prune:
            cat.update(template, no_fuzzy_matching=True)
            cat.obsolete.clear()
        else:  # add new strings, keep the others: several branches of the templates may share a catalog
            for message in template:
                if message.id and cat.get(message.id, context=message.context) is None:
                    cat.add(message.id, None, locations=message.locations, flags=message.flags,
                            auto_comments=message.auto_comments, context=message.context)
        cat.revision_date = FIXED_DATE
        _write(path, cat)
    catalog.cache_clear()
    translations.cache_clear()


def missing(lang: str, template: Catalog | None = None) -> list[str]:
    """Interface strings with no translation (or only a fuzzy one) in `lang`'s catalog."""
    template = template or extract()
    cat = catalog(lang)
    out = []
    for message in template:
        if not message.id:
            continue
        found = cat.get(message.id, context=message.context) if cat else None
        strings = found.string if found else None
        if isinstance(strings, (tuple, list)):
            empty = not all(strings)
        else:
            empty = not strings
        if found is None or empty or found.fuzzy:
            out.append(message.id if isinstance(message.id, str) else message.id[0])
    return out


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "check"
    if command == "update":
        update(prune="--prune" in args)
        print(f"updated {LOCALE / (DOMAIN + '.pot')} and the catalogs of {', '.join(SUPPORTED[1:])}")
        return 0
    if command == "check":
        template = extract()
        bad = 0
        for lang in SUPPORTED[1:]:
            gaps = missing(lang, template)
            bad += len(gaps)
            for msgid in gaps:
                print(f"{po_path(lang).relative_to(TOOL_ROOT)}: error: untranslated: {msgid!r} [i18n-missing]")
        print(f"{len(template)} interface strings; {bad} untranslated" if bad else
              f"{len(template)} interface strings, all translated in {', '.join(SUPPORTED[1:])}")
        return 1 if bad else 0
    print("usage: python -m courseware.i18n [update [--prune]|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
