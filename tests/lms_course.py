"""A small course for the LMS package tests (tests/test_lms.py): two modules in English and Burmese.

Module alpha has two lessons with quizzes (four questions: three with one right answer, one 'choose all
that apply'); lesson one is translated into Burmese, quiz included; lesson two is not (English on the
Burmese site). Module beta has one lesson and no quiz, so its packages report 'completed' without a score.
The mastery score is 60 %.
"""

from __future__ import annotations

from conftest import GLOSSARY, LESSON, REFERENCES
from courseware.load import source_hash

COURSE = """\
title: LMS test course
subtitle: Two modules for the SCORM tests
version: "2.0"
release_date: 2026-03-01
publisher: Test team
languages: [en, my]
mastery_score: 60
modules: [01-alpha, 02-beta]
editions:
  - id: day
    title: One day
    days:
      - title: Day 1
        start: "09:00"
        end: "13:00"
        sessions:
          - lesson: alpha/one
          - lesson: alpha/two
          - lesson: beta/three
"""

ALPHA = """\
id: alpha
title: Alpha module
summary: What alpha is about, for the manifest's description.
objectives: [Learn alpha.]
lessons: [01-one.md, 02-two.md]
"""

BETA = """\
id: beta
title: Beta module
summary: A module without a quiz.
objectives: [Learn beta.]
lessons: [01-three.md]
"""

LESSON_ONE = """\
---
title: Lesson one
teaching_minutes: 30
activity_minutes: 30
objectives:
  - Say when ASEAN was founded.
key_points:
  - ASEAN was founded in 1967.
---

## Founding

ASEAN was founded in 1967 [@charter]. See [lesson two](02-two.md) and [beta](../02-beta/01-three.md).

/// activity | Timeline
    minutes: 10
    group: pairs
    checks: [1]

1. Put the dates in order.
///

//// facilitator-note
Secret facilitator text: the answer is 1967.
////

/// quiz | Check yourself
- question: When was ASEAN founded?
  checks: [1]
  choices:
    - text: "1967"
      correct: true
      feedback: Yes, on 8 August 1967.
    - text: "1999"
      feedback: No, that is when Cambodia joined.
- question: Where was it founded?
  checks: [1]
  choices:
    - text: Bangkok
      correct: true
      feedback: Right, with the Bangkok Declaration.
    - text: Jakarta
      feedback: No, the Secretariat is there, but ASEAN was founded in Bangkok.
    - text: Manila
///
"""

LESSON_TWO = """\
---
title: Lesson two
teaching_minutes: 30
activity_minutes: 30
objectives:
  - Name ASEAN bodies.
key_points:
  - ASEAN has many bodies.
---

## Bodies

ASEAN has many bodies.

/// activity | Map the bodies
    minutes: 10
    group: pairs
    checks: [1]

1. Draw the bodies.
///

/// quiz | Check yourself again
- question: Which are bodies of the association? Choose all that apply.
  checks: [1]
  choices:
    - text: The human rights commission
      correct: true
      feedback: Yes, it is one.
    - text: The world labour agency
      feedback: No, that is an agency of the United Nations.
    - text: The committee on migrant workers
      correct: true
      feedback: Yes, it is one too.
- question: Does the labour forum make binding decisions?
  checks: [1]
  choices:
    - text: "Yes"
      feedback: No. Its recommendations are not binding.
    - text: "No"
      correct: true
      feedback: Right. It is a forum.
///
"""

COURSE_MY = """\
translation_of: {hash}
status: draft
title: LMS စမ်းသပ် သင်တန်း
subtitle: SCORM စမ်းသပ်မှုအတွက် မော်ဂျူး နှစ်ခု
"""

ALPHA_MY = """\
translation_of: {hash}
status: draft
title: အယ်လ်ဖာ မော်ဂျူး
summary: အယ်လ်ဖာ အကြောင်း။
objectives: [အယ်လ်ဖာကို သင်ယူရန်။]
"""

LESSON_ONE_MY = """\
---
translation_of: {hash}
status: draft
title: ပထမ သင်ခန်းစာ
objectives:
  - အာဆီယံ တည်ထောင်ခဲ့သည့် ခုနှစ်ကို ပြောနိုင်ရန်။
key_points:
  - အာဆီယံကို ၁၉၆၇ တွင် တည်ထောင်ခဲ့သည်။
---

## တည်ထောင်ခြင်း

အာဆီယံကို ၁၉၆၇ ခုနှစ်တွင် တည်ထောင်ခဲ့သည် [@charter]။ [ဒုတိယ သင်ခန်းစာ](02-two.md) နှင့် [ဘီတာ](../02-beta/01-three.md) ကို ကြည့်ပါ။

/// activity | အချိန်ဇယား
    minutes: 10
    group: pairs
    checks: [1]

1. ရက်စွဲများကို အစီအစဉ်တကျ စီပါ။
///

//// facilitator-note
သင်တန်းဆရာအတွက် လျှို့ဝှက်စာ- အဖြေမှာ ၁၉၆၇ ဖြစ်သည်။
////

/// quiz | ကိုယ့်ကိုယ်ကို စစ်ဆေးပါ
- question: အာဆီယံကို ဘယ်အချိန်က တည်ထောင်ခဲ့သလဲ။
  checks: [1]
  choices:
    - text: "၁၉၆၇"
      correct: true
      feedback: မှန်ပါသည်၊ ၁၉၆၇ ဩဂုတ် ၈ ရက်။
    - text: "၁၉၉၉"
      feedback: မဟုတ်ပါ၊ ထိုနှစ်တွင် ကမ္ဘောဒီးယား ဝင်ရောက်ခဲ့သည်။
- question: ဘယ်မှာ တည်ထောင်ခဲ့သလဲ။
  checks: [1]
  choices:
    - text: ဘန်ကောက်
      correct: true
      feedback: မှန်ပါသည်။
    - text: ဂျကာတာ
      feedback: မဟုတ်ပါ။
    - text: မနီလာ
///
"""


def lms_course() -> dict:
    """{relative path: text} of the course."""
    files = {
        "modules/course.yaml": COURSE,
        "modules/glossary.yaml": GLOSSARY,
        "modules/references.yaml": REFERENCES,
        "modules/home.md": "Welcome.\n",
        "modules/01-alpha/module.yaml": ALPHA,
        "modules/01-alpha/01-one.md": LESSON_ONE,
        "modules/01-alpha/02-two.md": LESSON_TWO,
        "modules/02-beta/module.yaml": BETA,
        "modules/02-beta/01-three.md": LESSON.replace("Lesson one", "Lesson three"),
    }
    files["modules/course.my.yaml"] = COURSE_MY.format(hash=source_hash(COURSE))
    files["modules/01-alpha/module.my.yaml"] = ALPHA_MY.format(hash=source_hash(ALPHA))
    files["modules/01-alpha/01-one.my.md"] = LESSON_ONE_MY.format(hash=source_hash(LESSON_ONE))
    return files
