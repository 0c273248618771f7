"""The facilitator guide's minute-by-minute timing plan, derived from a lesson's sections and blocks."""

from __future__ import annotations

import pytest

from conftest import minimal_course
from courseware.load import hhmm, load_course
from courseware.problems import Report
from courseware.timing import _share, lesson_plan

LESSON = """\
---
title: Planning
teaching_minutes: {teaching}
activity_minutes: {activity}
objectives:
  - Plan.
key_points:
  - Plan.
---

Intro words before any heading make an input step of their own.

## First part

One two three four five six seven eight nine ten eleven twelve.

## Second part

One two three four five six seven eight nine ten eleven twelve.

/// activity | Build a tree
    minutes: 20
    group: small groups

1. Draw.

//// facilitator-note
Not counted as reading.
////
///

/// discussion | What did we learn?
    minutes: 10
    group: plenary

- Why?
///

/// case-study | Dara's story
    basis: A pattern.

Dara paid a broker.
///

/// worksheet | My plan
1. What?
///

/// quiz | Check yourself
- question: Q?
  checks: [1]
  choices:
    - text: A
      correct: true
    - text: B
///
"""


def plan_of(make_course, teaching=20, activity=40, start=9 * 60, slot=None):
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": LESSON.format(teaching=teaching,
                                                                                  activity=activity)}))
    course = load_course(root, Report(root))
    return lesson_plan(course.lessons[0], start, slot)


def rows(plan):
    return [(hhmm(s.start), s.minutes, s.kind, s.title, s.group) for s in plan.steps]


def test_plan_follows_the_lesson_in_order(make_course):
    plan = plan_of(make_course)
    assert rows(plan) == [
        ("09:00", 6, "input", "", None),  # the words before the first heading: "Introduction" in the guide
        ("09:06", 6, "input", "First part", None),
        ("09:12", 6, "input", "Second part", None),
        ("09:18", 20, "activity", "Build a tree", "small groups"),
        ("09:38", 10, "discussion", "What did we learn?", "plenary"),
        ("09:48", 2, "case-study", "Dara's story", None),
        ("09:50", 5, "worksheet", "My plan", None),
        ("09:55", 5, "quiz", "Check yourself", None),
    ]
    assert not plan.scaled and plan.planned == plan.slot == 60


def test_teaching_minutes_are_shared_by_length_and_activity_rest_goes_to_worksheet_and_quiz(make_course):
    plan = plan_of(make_course, teaching=30, activity=50)
    by_kind = {}
    for s in plan.steps:
        by_kind[s.kind] = by_kind.get(s.kind, 0) + s.minutes
    assert by_kind["input"] + by_kind["case-study"] == 30
    assert by_kind["activity"] == 20 and by_kind["discussion"] == 10
    assert by_kind["worksheet"] + by_kind["quiz"] == 20


@pytest.mark.parametrize("slot", [45, 60, 75, 90, 121])
def test_plan_is_scaled_to_the_agenda_slot_and_ends_on_time(make_course, slot):
    plan = plan_of(make_course, slot=slot)
    assert sum(s.minutes for s in plan.steps) == slot
    assert plan.steps[-1].end == 9 * 60 + slot
    assert all(a.end == b.start for a, b in zip(plan.steps, plan.steps[1:]))
    assert plan.scaled == (slot != 60)


def test_no_worksheet_or_quiz_leaves_a_wrap_up(make_course):
    lesson = LESSON.split("/// case-study")[0]
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": lesson.format(teaching=20, activity=45)}))
    plan = lesson_plan(load_course(root, Report(root)).lessons[0], 600)
    assert plan.steps[-1].kind == "wrap-up" and plan.steps[-1].minutes == 15


@pytest.mark.parametrize("total, weights, expected", [
    (10, [1, 1, 1], [4, 3, 3]),
    (30, [100, 1], [29, 1]),
    (0, [1, 2], [0, 0]),
    (7, [5], [7]),
])
def test_share_is_exact_in_whole_minutes(total, weights, expected):
    assert _share(total, weights) == expected
    assert sum(_share(total, weights)) == total


def test_a_lesson_read_beforehand_starts_with_a_recap_and_keeps_the_activities(make_course):
    root = make_course(minimal_course(**{"modules/01-mod/01-one.md": LESSON.format(teaching=20, activity=40)}))
    lesson = load_course(root, Report(root)).lessons[0]
    plan = lesson_plan(lesson, 9 * 60, 50, read_beforehand=True)
    assert rows(plan) == [
        ("09:00", 10, "recap", "", None),
        ("09:10", 20, "activity", "Build a tree", "small groups"),
        ("09:30", 10, "discussion", "What did we learn?", "plenary"),
        ("09:40", 5, "worksheet", "My plan", None),
        ("09:45", 5, "quiz", "Check yourself", None),
    ]
    assert not plan.scaled
