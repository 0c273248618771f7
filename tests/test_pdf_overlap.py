"""Lines whose marks touch, found by the build in every laid-out PDF (courseware/overlap.py, issue 13).

Each document is laid out by render_pdf.lay_out, as the build does, with the real print stylesheet: a
Burmese text set with line-height 0.8 is reported, with its page and the text of both lines; the same text
with the shipped stylesheet is not, nor text in the other scripts of the course at their own spacing.
"""

from __future__ import annotations

import pytest

from conftest import ROOT
from courseware.render_pdf import PdfJob, lay_out

# Real draft text of the course (module 1, lesson 1), long enough for several lines in each script; Khmer and
# Burmese with the break opportunities the build inserts (segment.break_html).
TEXT = {
    "my": "အာဆီယံ ဆိုသည်မှာ အရှေ့တောင်အာရှနိုင်ငံများအသင်း ဖြစ်သည်။ ၎င်းသည် ဒေသဆိုင်ရာ အဖွဲ့အစည်းတစ်ခု ဖြစ်သည်။ "
          "၎င်း၏ အဖွဲ့ဝင်များမှာ နိုင်ငံများ ဖြစ်ပြီး အစိုးရများက ကိုယ်စားပြုသည်။ ၁၉၆၀ ပြည့်လွန်နှစ်များတွင် "
          "အရှေ့တောင်အာရှသည် တင်းမာမှုများ ရှိသည့် ဒေသ ဖြစ်ခဲ့သည်။ ရွှေ့ပြောင်းလုပ်သားများ၏ အခွင့်အရေးအတွက် "
          "လှုံ့ဆော်သူများ၊ ကျွန်ုပ်တို့၏ လုပ်ငန်း၊ ပြည့်စုံသော ကိုယ်စားလှယ်များ။",
    "km": "អាស៊ាន គឺជាសមាគមប្រជាជាតិអាស៊ីអាគ្នេយ៍។ វាជាអង្គការតំបន់មួយ។ សមាជិករបស់វាគឺជាប្រទេស ដែលតំណាងដោយរដ្ឋាភិបាល។ "
          "នៅទសវត្សរ៍ឆ្នាំ ១៩៦០ អាស៊ីអាគ្នេយ៍គឺជាតំបន់ដែលមានភាពតានតឹង។ អ្នកតស៊ូមតិសម្រាប់សិទ្ធិពលករចំណាកស្រុក "
          "ត្រូវយល់ពីរបៀបដែលរដ្ឋាភិបាលសម្រេចចិត្ត និងកន្លែងដែលស្ត្រីពលករអាចស្វែងរកជំនួយ។",
    "th": "อาเซียนคือสมาคมประชาชาติแห่งเอเชียตะวันออกเฉียงใต้ เป็นองค์กรระดับภูมิภาค สมาชิกคือประเทศต่าง ๆ "
          "ซึ่งมีรัฐบาลเป็นผู้แทน ในทศวรรษ 1960 เอเชียตะวันออกเฉียงใต้เป็นภูมิภาคที่มีความตึงเครียด ผู้ขับเคลื่อน"
          "เพื่อสิทธิของแรงงานข้ามชาติต้องเข้าใจว่ารัฐบาลตัดสินใจอย่างไร ผู้หญิงที่ถูกเลือกปฏิบัติ",
    "vi": "ASEAN là Hiệp hội các Quốc gia Đông Nam Á. Đây là một tổ chức khu vực. THÀNH VIÊN CỦA NÓ LÀ CÁC QUỐC GIA, "
          "ĐƯỢC ĐẠI DIỆN BỞI CHÍNH PHỦ. Trong thập niên 1960, Đông Nam Á là một khu vực căng thẳng. Người vận động "
          "cho quyền của người lao động di cư cần hiểu các chính phủ quyết định như thế nào.",
    "en": "ASEAN is the Association of Southeast Asian Nations. It is a regional organisation. Its members are "
          "countries, represented by their governments. In the 1960s, Southeast Asia was a region of tensions. "
          "Advocates for migrant workers' rights need to know how governments decide, and where to find help.",
}


def job(lang: str, style: str = "", element: str = "p") -> PdfJob:
    from courseware.segment import break_html
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>t</title>'
            f'<link rel="stylesheet" href="print.css"></head><body>'
            f'<{element} style="width: 80mm; {style}">{TEXT[lang]}</{element}></body></html>')
    return PdfJob("test.pdf", break_html(html, lang), (ROOT / "templates" / "pdf").as_uri() + "/", "test")


def overlaps(lang: str, style: str = "", element: str = "p") -> list[str]:
    name, pdf, warnings, fatal = lay_out(job(lang, style, element), [ROOT])
    assert pdf and not fatal
    return warnings


def test_burmese_lines_set_too_close_are_reported_with_their_page_and_text():
    warnings = overlaps("my", "line-height: 0.8")
    assert warnings, "line-height 0.8 lets Burmese lines collide, and the check found nothing"
    first = warnings[0]
    assert first.startswith("page 1: the marks of the line 'အာဆီယံ ဆိုသည်မှာ")
    assert "pt into the next line '" in first
    assert "\u200b" not in first  # the break opportunities are not part of the text shown


@pytest.mark.parametrize("lang", ["my", "km", "th", "vi", "en"])
@pytest.mark.parametrize("element", ["p", "h1", "h2", "li"])
def test_the_print_stylesheet_spaces_each_script_so_that_no_marks_touch(lang, element):
    assert overlaps(lang, element=element) == []


def test_only_lines_of_the_same_block_are_compared():
    """Two one-line paragraphs set tight, one under the other, are not a collision of the check's kind."""
    from courseware.overlap import line_pairs
    import weasyprint
    html = (f'<html lang="my"><body><p style="margin: 0; line-height: 0.8">{TEXT["my"][:20]}</p>'
            f'<p style="margin: 0; line-height: 0.8">{TEXT["my"][:20]}</p></body></html>')
    document = weasyprint.HTML(string=html).render()
    assert line_pairs(document.pages[0]._page_box, []) == []


def test_a_participant_named_in_burmese_on_an_english_attendance_sheet_gets_burmese_line_spacing():
    """Names are in the participants' own scripts, whatever the document's language: a long Burmese name that
    wraps in its cell is set with Burmese line spacing, and no lines touch."""
    from courseware.certificates import Participant
    from courseware.load import load_course
    from courseware.problems import Report
    from courseware.render_pdf import PdfRenderer
    from conftest import COURSES
    root = COURSES / "tiny"
    course = load_course(root, Report(root))
    name = "ဒေါ်ခင်မြင့်မြင့်ကျော်စိုးဝင်းနိုင်ထွန်းအောင်ကျော်မင်းသန့်ဇင်"  # long enough to wrap
    people = (Participant(name, "ရွှေ့ပြောင်းလုပ်သားများ ကွန်ရက် အသင်းအဖွဲ့ ရန်ကုန်မြို့ " * 2, "Myanmar"),)
    jobs = PdfRenderer(course, ROOT / "templates").named_documents(people)
    sheet = next(job for job in jobs if job.name.startswith("attendance"))
    assert '<td class="long" lang="my">' in sheet.html
    _, pdf, warnings, fatal = lay_out(sheet, [root, ROOT])
    assert pdf and not fatal and warnings == []
