"""The deadlines as the law counts them: a table of dates worked out by hand from each
rule's own wording, not from bot/deadlines.py (legal review content-2026-12.md, section 2,
and the facts brief's corrections of December 2026).

- Care proceedings: "within twenty-six weeks beginning with the day on which the
  application was issued" (Children Act 1989 s32(1)(a)(ii)). The issue day is day 1, so
  the last day is the day before the same weekday 26 weeks on.
- Emergency protection order: 8 days including the day the order is made; one
  extension of up to 7 days (s45(1), (4)-(6)). After police protection the 8 days begin
  with its first day (s45(3)). A last day on a Sunday, Christmas Day, Good Friday or a
  bank holiday may run to noon on the next day that is not one (s45(2)): a Saturday is
  not such a day.
- Appeal: 21 days after the decision (FPR 30.4), clear days, so the decision day is not
  counted: the same weekday 3 weeks on. If the court office is closed that day (weekend,
  England and Wales bank holiday) the notice is in time on the next day it is open (FPR 2.9).
- Review conference: the first within 3 months of the initial conference, each later one
  within 6 months of the review before it (Working Together 2023 via local procedures).

Bank holidays used (England and Wales, with substitute days): 2026: 3 and 6 April, 4 May,
31 August, 25, 26 (a Saturday: Banking and Financial Dealings Act 1971 Sch 1) and 28
December; 2027: 27 and 28 December; 2028: 3 January. None of these tests reads today's date.
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot import deadlines as dl
from bot.dates import LONDON

D = date


@pytest.mark.parametrize("issued, last_day", [
    (D(2026, 3, 3), D(2026, 8, 31)),    # Tuesday -> Monday 31 August 2026, not Tuesday 1 September
    (D(2026, 1, 5), D(2026, 7, 5)),     # Monday -> Sunday: the court's own limit does not move
    (D(2026, 12, 31), D(2027, 6, 30)),  # across the new year
    (D(2027, 9, 2), D(2028, 3, 1)),     # across 29 February 2028
])
def test_26_weeks_count_the_issue_day(issued, last_day):
    deadline = dl.compute(dl.PROCEEDINGS, issued)
    assert deadline.due == last_day and deadline.legal_limit
    assert (last_day - issued).days + 1 == 26 * 7   # 182 days, the issue day among them


@pytest.mark.parametrize("made, last_day, extended", [
    (D(2026, 3, 3), D(2026, 3, 10), D(2026, 3, 17)),    # Tuesday to Tuesday: 8 days with the first
    (D(2026, 12, 31), D(2027, 1, 7), D(2027, 1, 14)),
])
def test_an_emergency_protection_order_lasts_8_days_including_the_day_it_is_made(made, last_day, extended):
    deadline = dl.compute(dl.EPO, made)
    assert deadline.due == last_day
    assert deadline.extra["with_extension"] == extended     # one extension, 7 days at most
    assert (extended - made).days + 1 == 15
    assert "holiday_noon" not in deadline.extra


def test_after_police_protection_the_8_days_begin_with_its_first_day():
    # Police took the child on Sunday 1 March 2026; the order was made on Tuesday 3 March.
    deadline = dl.compute(dl.EPO, D(2026, 3, 3), police_start=datetime(2026, 3, 1, 21, 30, tzinfo=LONDON))
    assert deadline.start == D(2026, 3, 3) and deadline.extra["police_start"] == D(2026, 3, 1)
    assert deadline.due == D(2026, 3, 8)                        # Sunday 8 March, 2 days sooner
    assert deadline.extra["with_extension"] == D(2026, 3, 15)
    # 8 March is a Sunday: the order may run to noon on Monday 9 March (s45(2)).
    assert deadline.extra["holiday_noon"] == datetime(2026, 3, 9, 12, 0, tzinfo=LONDON)


def test_police_protection_on_the_day_of_the_order_changes_nothing():
    assert dl.compute(dl.EPO, D(2026, 3, 3), police_start=D(2026, 3, 3)).due == D(2026, 3, 10)


@pytest.mark.parametrize("made, noon_on", [
    (D(2026, 12, 18), D(2026, 12, 29)),  # last day Christmas Day; 26th (Saturday, a bank holiday), Sunday, 28th substitute
    (D(2026, 3, 27), D(2026, 4, 4)),     # last day Good Friday: noon on Saturday, which is not a public holiday
    (D(2026, 4, 27), D(2026, 5, 5)),     # last day the early May bank holiday
    (D(2026, 4, 26), D(2026, 5, 5)),     # last day Sunday 3 May, then the bank holiday Monday
])
def test_an_order_ending_on_a_sunday_or_holiday_may_run_to_noon_on_the_next_ordinary_day(made, noon_on):
    deadline = dl.compute(dl.EPO, made)
    assert deadline.extra["holiday_noon"] == datetime.combine(noon_on, time(12, 0), tzinfo=LONDON)
    assert dl.values(deadline)["holiday_noon"].endswith("at midday")


@pytest.mark.parametrize("decided, last_day", [
    (D(2026, 12, 4), D(2026, 12, 29)),   # Friday 25 December: closed; 26-28 closed (28th Boxing Day substitute)
    (D(2026, 12, 7), D(2026, 12, 29)),   # Monday 28 December, the substitute bank holiday
    (D(2026, 12, 3), D(2026, 12, 24)),   # Christmas Eve is not a bank holiday
    (D(2026, 3, 13), D(2026, 4, 7)),     # Good Friday, the weekend and Easter Monday
    (D(2026, 11, 7), D(2026, 11, 30)),   # a Saturday decision: 21 days on is a Saturday
    (D(2026, 11, 8), D(2026, 11, 30)),   # and a Sunday
    (D(2026, 11, 9), D(2026, 11, 30)),   # St Andrew's Day is not a holiday in England
    (D(2027, 12, 4), D(2027, 12, 29)),   # Saturday 25 December 2027; 27th and 28th are substitutes
    (D(2027, 12, 6), D(2027, 12, 29)),
    (D(2027, 12, 13), D(2028, 1, 4)),    # Monday 3 January 2028, New Year's Day substitute
    (D(2028, 2, 8), D(2028, 2, 29)),     # 29 February in a leap year is an ordinary open day
])
def test_an_appeal_is_due_21_days_on_or_the_next_day_the_court_office_is_open(decided, last_day):
    deadline = dl.compute(dl.APPEAL, decided)
    assert deadline.due == last_day
    twenty_first = D.fromordinal(decided.toordinal() + 21)
    assert deadline.extra.get("closed_day") == (twenty_first if twenty_first != last_day else None)


def test_the_appeal_result_says_why_the_date_moved(renderer):
    from bot.render import Channel

    text = renderer.message(dl.APPEAL, Channel.WEB, "result", dl.values(dl.compute(dl.APPEAL, D(2026, 12, 4)))).text
    assert "Tuesday 29 December 2026" in text and "Friday 25 December 2026" in text and "closed" in text
    plain = renderer.message(dl.APPEAL, Channel.WEB, "result", dl.values(dl.compute(dl.APPEAL, D(2026, 11, 11)))).text
    assert "Wednesday 2 December 2026" in plain and "closed" not in plain


@pytest.mark.parametrize("conference, first_review", [
    (D(2026, 3, 3), D(2026, 6, 3)),
    (D(2026, 11, 30), D(2027, 2, 28)),   # no 30 February: the last day of the month
])
def test_the_first_review_is_within_3_months_of_the_initial_conference(conference, first_review):
    deadline = dl.compute(dl.REVIEW, conference)
    assert deadline.due == first_review and not deadline.legal_limit


@pytest.mark.parametrize("review, next_review", [
    (D(2026, 4, 10), D(2026, 10, 10)),   # an early first review: the next by 10 October, not 3 December
    (D(2026, 8, 31), D(2027, 2, 28)),
])
def test_each_later_review_is_counted_from_the_review_before_it(review, next_review):
    assert dl.next_review_after(review) == next_review
    assert dl.compute(dl.REVIEW, review, after_review=True).due == next_review


def test_no_next_review_date_is_made_up_from_the_initial_conference(renderer):
    from bot.render import Channel

    shown = dl.values(dl.compute(dl.REVIEW, D(2026, 3, 3)))
    text = renderer.message(dl.REVIEW, Channel.WEB, "result", shown).text
    assert "Wednesday 3 June 2026" in text and "December" not in text
    assert "within 6 months of the review before it" in text


def test_the_icpc_example_of_the_review_still_holds():
    # 15 working days from Monday 14 December 2026, past 25 and 28 December and 1 January.
    assert dl.compute(dl.ICPC, D(2026, 12, 14)).due == D(2027, 1, 7)


def test_the_emergency_order_answer_leads_with_the_order_itself(renderer, content):
    from bot.render import Channel

    assert content.item(dl.EPO).web.startswith("The order itself says when it ends")
    for deadline in (dl.compute(dl.EPO, D(2026, 3, 3)), dl.compute(dl.EPO, D(2026, 3, 3), police_start=D(2026, 3, 1))):
        text = renderer.message(dl.EPO, Channel.WEB, "result", dl.values(deadline)).text
        assert text.startswith("The order itself says when it ends") and "only a check" in text
        assert dl.values(deadline)["due"] in text and dl.values(deadline)["with_extension"] in text


@pytest.mark.parametrize("kind, start, options", [
    (dl.EPO, D(2026, 3, 3), {"police_start": D(2026, 3, 1)}),   # the police branch, with the noon rule
    (dl.EPO, D(2026, 12, 18), {}),
    (dl.APPEAL, D(2026, 12, 4), {}),
])
def test_every_branch_of_a_result_keeps_to_the_style_limits(renderer, kind, start, options):
    from bot.lint import MAX_SENTENCE_WORDS, sentences, words
    from bot.render import Channel

    text = renderer.message(kind, Channel.WEB, "result", dl.values(dl.compute(kind, start, **options))).text
    assert all(len(words(s)) <= MAX_SENTENCE_WORDS for s in sentences(text)), text
