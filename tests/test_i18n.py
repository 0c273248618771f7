"""Interface strings, dates and numbers, word segmentation and the Zawgyi check, language by language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

import pytest

from courseware import i18n, search, segment, zawgyi
from courseware.markup import Labels
from courseware.problems import Report

LANGS = ("km", "my", "th", "vi")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


@pytest.fixture(scope="module")
def template():
    return i18n.extract()


@pytest.mark.parametrize("lang", LANGS)
def test_every_interface_string_is_translated(lang, template):
    """Fails on any `_()` string in the templates or code, or lesson label, missing from a catalog."""
    missing = i18n.missing(lang, template)
    assert not missing, (f"{len(missing)} untranslated in {i18n.po_path(lang)}: {missing[:10]}; run "
                         "`python -m courseware.i18n update`, then translate the new entries")


def test_extraction_finds_templates_code_and_labels(template):
    ids = {m.id for m in template if m.id}
    assert "Draft translation: machine-drafted and not yet reviewed by a native speaker." in ids  # Python
    assert "Facilitator note" in ids and ("{n} minute", "{n} minutes") in ids  # lesson labels
    assert any(loc.startswith("templates/") for m in template for loc, _ in m.locations)


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_their_placeholders(lang):
    for message in i18n.catalog(lang):
        if not message.id:
            continue
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if text:
                assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (lang, source, text)


@pytest.mark.parametrize("lang,activity,key_points", [
    ("en", "Activity", "Key points"),
    ("km", "សកម្មភាព", "ចំណុចសំខាន់ៗ"),
    ("my", "လှုပ်ရှားမှု", "အဓိကအချက်များ"),
    ("th", "กิจกรรม", "ประเด็นสำคัญ"),
    ("vi", "Hoạt động", "Ý chính"),
])
def test_lesson_labels_follow_the_language(lang, activity, key_points):
    labels = i18n.labels(lang)
    assert (labels.activity, labels.key_points) == (activity, key_points)
    if lang != "en":
        english = Labels()
        same = [f.name for f in dataclasses.fields(Labels) if getattr(labels, f.name) == getattr(english, f.name)]
        assert not same, f"labels left in English for {lang}: {same}"
    assert all("{n}" in form for form in labels.minutes)


@pytest.mark.parametrize("lang,expected", [
    ("en", "27 November 2026"),
    ("km", "27 វិច្ឆិកា 2026"),
    ("my", "2026 နိုဝင်ဘာ 27"),
    ("th", "27 พฤศจิกายน ค.ศ. 2026"),
    ("vi", "27 tháng 11, 2026"),
])
def test_dates_in_the_readers_language(lang, expected):
    assert i18n.format_day(dt.date(2026, 11, 27), lang) == expected


@pytest.mark.parametrize("lang,expected", [("en", "1 h 30 min"), ("km", "1 ម៉ោង 30 នាទី"), ("my", "1 နာရီ 30 မိနစ်"),
                                           ("th", "1 ชม. 30 นาที"), ("vi", "1 giờ 30 phút")])
def test_durations_and_numbers(lang, expected):
    assert i18n.duration(90, lang) == expected
    assert i18n.format_number(12345, "en") == "12,345"
    assert i18n.format_number(12345, "vi") == "12.345"


def test_autonyms():
    assert [i18n.autonym(x) for x in ("en", "km", "my", "th", "vi")] == \
        ["English", "ខ្មែរ", "မြန်မာ", "ไทย", "Tiếng Việt"]


def test_installed_environment_translates_templates():
    import jinja2
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    i18n.install(env, "th")
    out = env.from_string('{{ _("Key points") }} · {{ _("Module %(n)s", n=3) }} · {{ 95 | duration }}').render()
    assert out == "ประเด็นสำคัญ · โมดูล 3 · 1 ชม. 35 นาที"


def test_a_shared_compiled_template_takes_each_languages_filters(tmp_path):
    """Environments share compiled templates (templating.COMPILED); a filter applied to a literal must still be the
    environment's own: `{{ 1 | digits }}` in the Burmese course reader's contents printed a Latin 1 once the English
    reader had compiled the template first (Jinja's optimizer folds constant filter calls at compile time)."""
    from courseware.templating import environment
    (tmp_path / "t.html").write_text("{{ 1 | digits }} {{ 75 | duration }} {{ n | digits }}", encoding="utf-8")
    english = environment(tmp_path)
    assert english.get_template("t.html").render(n=20) == "1 1 h 15 min 20"
    for lang, expected in (("my", "၁ ၁ နာရီ ၁၅ မိနစ် ၂၀"), ("km", "១ ១ ម៉ោង ១៥ នាទី ២០")):
        env = environment(tmp_path)
        i18n.install(env, lang, "print")
        assert env.get_template("t.html").render(n=20) == expected


COUNTED = [  # (singular, plural): what the sites and their scripts count
    ("%(num)s lesson", "%(num)s lessons"),
    ("{n} of %(num)s lesson opened", "{n} of %(num)s lessons opened"),
    ("You have opened {opened} of %(num)s lesson.", "You have opened {opened} of %(num)s lessons."),
    ("You have finished {n} quiz.", "You have finished {n} quizzes."),
    ("{n} result for", "{n} results for"),
    ("{n} minute", "{n} minutes"),
]


@pytest.mark.parametrize("lang", ("en",) + LANGS)
def test_counts_take_the_catalogs_plural_forms(lang):
    """Not "1 quizzes": every count takes the form the language's catalog gives for that number, in the
    templates (ngettext), in the scripts (plural_forms and the catalog's rule) and in the lesson labels."""
    import gettext
    import jinja2
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    i18n.install(env, lang)
    rule = gettext.c2py(i18n.plural_expr(lang))
    for singular, plural in COUNTED:
        forms = i18n.plural_forms(lang, singular, plural)
        assert len(forms) == (2 if lang == "en" else 1), (lang, singular, forms)  # km, my, th, vi: one form
        assert forms == env.globals["plural_forms"](singular, plural)
        for n in (0, 1, 2, 5):
            said = env.from_string("{{ ngettext(s, p, n) }}").render(s=singular, p=plural, n=n)
            assert said == forms[rule(n)].replace("%(num)s", str(n)), (lang, singular, n)
    if lang == "en":
        assert [rule(n) for n in (0, 1, 2)] == [1, 0, 1]
        assert env.from_string('{{ ngettext("%(num)s lesson", "%(num)s lessons", 1) }}').render() == "1 lesson"
    labels = i18n.labels(lang)
    assert labels.count(labels.minutes, 1) == labels.minutes[rule(1)].format(n=1)
    assert labels.count(labels.minutes, 10) == labels.minutes[min(rule(10), len(labels.minutes) - 1)].format(n=10)
    if lang == "en":
        assert (labels.count(labels.minutes, 1), labels.count(labels.minutes, 10)) == ("1 minute", "10 minutes")


# --- Segmentation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang,text,expected", [
    ("km", "ប្រទេសកម្ពុជា", ["ប្រទេស", "កម្ពុជា"]),
    ("th", "ภาษาไทยเป็นภาษาราชการ", ["ภาษา", "ไทย", "เป็น", "ภาษา", "ราชการ"]),
    ("my", "ရွှေ့ပြောင်းလုပ်သားများ", ["ရွှေ့ပြောင်း", "လုပ်သားများ"]),
    ("vi", "Lao động di cư, ASEAN!", ["Lao", "động", "di", "cư", "ASEAN"]),
    ("en", "The ASEAN  Charter\nentered into force", ["The", "ASEAN", "Charter", "entered", "into", "force"]),
    ("en", "", []),
    # Punctuation is not a word: the Khmer khan, the Burmese section mark, Thai in parentheses.
    ("km", "ប្រទេសកម្ពុជា។", ["ប្រទេស", "កម្ពុជា"]),
    ("my", "ရွှေ့ပြောင်းလုပ်သားများ။", ["ရွှေ့ပြောင်း", "လုပ်သားများ"]),
    ("th", "(ภาษาไทย)", ["ภาษา", "ไทย"]),
])
def test_words(lang, text, expected):
    assert segment.words(text, lang) == expected


@pytest.mark.parametrize("lang, fragment", [
    ("th", "<p>แรงงานข้ามชาติ <b>ภาษาไทย</b>เป็นภาษาราชการ</p>"),
    ("km", "<p>ពលករចំណាកស្រុក<a href='#'>នៅតំបន់មេគង្គ</a>។</p>"),
    ("my", "<p>ရွှေ့ပြောင်းလုပ်သားများ။ ASEAN</p>"),
    # Characters outside the BMP count as two units in ICU's offsets: the words after them stay whole.
    ("th", "<p>📞 1300: แรงงานข้ามชาติ 𝐀 ภาษาไทย</p>"),
])
def test_search_index_words_are_the_words_segment_finds(lang, fragment):
    """The search index splits unspaced languages with segment.words, the builder's one word splitter."""
    entry = search.index_entry("a.html", "T", "M", fragment, lang)
    text = entry["text"]
    assert "<" not in text and entry["words"] == " ".join(segment.words(text, lang))
    words = entry["words"].split(" ")
    assert len(words) >= 3 and all(word in text for word in words)
    letters = [c for c in text if c.isalnum() or unicodedata.category(c).startswith("M")]
    assert "".join(words) == "".join(c for c in text if c in letters), "every letter, in order, nothing else"


def test_search_index_has_no_words_field_for_spaced_languages():
    for lang in ("en", "vi"):
        entry = search.index_entry("a.html", "T", "M", "<p>migrant workers</p>", lang)
        assert entry["text"] == "migrant workers" and "words" not in entry
    assert "words" in search.index_entry("a.html", "T", "M", "<p>ภาษาไทย</p>", "th-TH")


def test_break_opportunities_only_between_words_of_khmer_and_burmese():
    km = "ពលករចំណាកស្រុកនៅតំបន់មេគង្គ"
    broken = segment.break_runs(km, "km")
    assert segment.ZWSP in broken and segment.strip_breaks(broken) == km
    for piece in broken.split(segment.ZWSP):  # never inside a cluster: no piece starts with a mark
        assert piece and not re.match(r"[\u17b6-\u17d3]", piece)
    assert segment.break_runs("ภาษาไทย and English", "th") == "ภาษาไทย and English"  # Pango breaks Thai itself


@pytest.mark.parametrize("text, lang", [("ရွေးချယ်သနည်း။ နောက်", "my"), ("အာဆီယံ၊ ထိုင်း", "my"), ("ពលករ។ និង", "km"),
                                        ("ចំណុច៖ ក", "km")])
def test_no_line_starts_with_a_closing_punctuation_mark(text, lang):
    """A Khmer khan or colon, a Burmese section mark stays with the word before it (issue 13)."""
    broken = segment.break_runs(text, lang)
    assert segment.strip_breaks(broken) == text
    assert not re.search("\u200b[\u17d4-\u17d7\u104a\u104b]", broken), broken


def test_break_html_leaves_tags_attributes_and_styles_alone():
    doc = ('<html><head><title>ប្រទេសកម្ពុជា</title><style>p::after { content: "ប្រទេសកម្ពុជា" }</style></head>'
           '<body><p title="ប្រទេសកម្ពុជា">ប្រទេសកម្ពុជា <b>ရွှေ့ပြောင်းလုပ်သားများ</b></p></body></html>')
    out = segment.break_html(doc, "km")
    assert out.count(segment.ZWSP) == 2
    assert 'title="ប្រទេសកម្ពុជា"' in out and "<title>ប្រទេសកម្ពុជា</title>" in out
    assert segment.strip_breaks(out) == doc


# --- Zawgyi ---------------------------------------------------------------------------------------

UNICODE_MY = "မြန်မာနိုင်ငံမှ ရွှေ့ပြောင်းလုပ်သားများ"
ZAWGYI_MY = "ျမန္မာႏိုင္ငံမွ ေ႐ႊ႕ေျပာင္းလုပ္သားမ်ား"


def test_zawgyi_detector():
    assert zawgyi.is_zawgyi(ZAWGYI_MY)
    assert not zawgyi.is_zawgyi(UNICODE_MY)
    assert not zawgyi.is_zawgyi("No Burmese here")


def test_zawgyi_is_reported_with_path_and_line(tmp_path):
    report = Report(tmp_path)
    text = f"line one\n{UNICODE_MY}\nsee: {ZAWGYI_MY}\n"
    assert zawgyi.check_text(text, tmp_path / "a.md", 10, report, per_line=True) == 1
    [problem] = report.problems
    assert problem.format().startswith("a.md:12:6: error: Burmese text in the Zawgyi encoding")
    assert problem.code == "zawgyi"
