"""LIVE FACT CHECKS (issue 16, part 4): questions in plain words, sent to the real Rasa and
action servers over HTTP, and the fact each reply must state.

    This file is a LIVE test: it needs a trained model (models/current.tar.gz) and
    starts both servers (tests/live/conftest.py). `make test` runs it in the step
    "Live servers over HTTP"; on its own: .venv/bin/python -m pytest tests/live/test_facts.py

The rights are as the legal review of December 2026 corrects them
(../shared/reviews/content-2026-12.md). The dates are worked out here from each rule's
own counting, not from bot/deadlines.py, and relative to today, so the file never goes
stale:
- 26 weeks "beginning with" the issue day: the issue day is day 1 (CA 1989 s32(1)(a)(ii));
- an EPO lasts 8 days including the day it is made, plus one extension of up to 7 (s45);
- an appeal is due 21 days after the decision, or the next day the court office is open
  (FPR 30.4, 2.9): a table of hand-checked closed-day cases, of which the latest in the
  bot's date window is used;
- the first review conference within 3 months of the first conference, later ones within
  6 months of the review before.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.dates import today_in_london
from tests.live.conftest import content_ids

pytestmark = pytest.mark.live

TODAY = today_in_london()


def day(d: date) -> str:
    """GOV.UK style, written out here rather than taken from the bot."""
    return f"{d:%A} {d.day} {d:%B} {d.year}"


def numeric(d: date) -> str:
    return f"{d.day}/{d.month}/{d.year}"


def said(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


# --- Rights, as the review corrects them ------------------------------------------

RIGHTS = [
    # (what she asks, what the reply must state, why)
    ("can i get legal aid to fight the adoption",
     r"income does not matter|(does not|doesn't) depend on your income",
     "opposing placement and adoption orders is means-free since 1 March 2023"),
    ("will i have to pay for a solicitor to oppose the placement order, im on a low wage",
     r"income does not matter|(does not|doesn't) depend on your income",
     "as above: not means-tested"),
    ("do i still get contact with my kids after the placement order",
     r"right ends|ends once a placement order|ask the court",
     "the s34 presumption of reasonable contact ends; she can apply under ACA s26"),
    ("does the council have to offer a family meeting before they take us to court",
     r"once (it|the law) is in force",
     "CWSA 2026 s1 duty, commencement unverified"),
]


@pytest.mark.parametrize("question, fact, why", RIGHTS, ids=[r[0][:40] for r in RIGHTS])
def test_a_right_is_stated_as_the_review_corrects_it(servers, question, fact, why):
    messages = servers.say("fact-" + re.sub(r"\W+", "-", question)[:40], question)
    assert re.search(fact, said(messages), re.I), (why, content_ids(messages), said(messages))


# (first question, then "tell me more", what the detail must state, what it must never say)
DETAIL = [
    ("what is a placement order", r"can still be placed with people who hope to adopt",
     r"before your baby is 6 weeks old does not count\.|any consent you give before"),
    ("what is an emergency protection order", r"ask a solicitor today whether you can challenge it now",
     r"cannot hear this until 72 hours"),
    ("what does the threshold mean", r"seeing or hearing", r"means serious harm"),
]


@pytest.mark.parametrize("question, fact, never", DETAIL, ids=[d[0] for d in DETAIL])
def test_the_detail_behind_an_answer_states_the_corrected_fact(servers, question, fact, never):
    sender = "detail-" + re.sub(r"\W+", "-", question)
    servers.say(sender, question)
    more = servers.say(sender, "tell me more")
    text = said(more)
    assert re.search(fact, text, re.I), (content_ids(more), text)
    assert not re.search(never, text, re.I), text


# --- Dates, from the law's own counting ------------------------------------------

def test_26_weeks_count_the_issue_day(servers):
    issued = TODAY - timedelta(days=30)
    last = issued + timedelta(weeks=26) - timedelta(days=1)     # day 1 is the issue day
    sender = "fact-26-weeks"
    asked = servers.say(sender, "when do care proceedings have to finish")
    assert asked and asked[-1].get("part") == "ask", content_ids(asked)
    text = said(servers.say(sender, numeric(issued)))
    assert day(last) in text and day(last + timedelta(days=1)) not in text, text


def test_an_emergency_protection_order_leads_with_the_order_and_counts_its_first_day(servers):
    made = TODAY - timedelta(days=2)
    sender = "fact-epo"
    asked = servers.say(sender, "how long does an emergency protection order last")
    assert asked and asked[-1].get("part") == "ask", content_ids(asked)
    police = servers.say(sender, numeric(made))
    assert content_ids(police) == ["dates/epo-police-first"], content_ids(police)
    text = said(servers.say(sender, "/keep_going"))   # the "No, they did not" button
    assert text.startswith("The order itself says when it ends"), text
    # The 8th day counting the day it was made, not the day after (which may still appear
    # as "midday" on the next day when the 8th day is a Sunday or bank holiday).
    assert f"until {day(made + timedelta(days=7))} at the most" in text, text
    assert f"the latest is {day(made + timedelta(days=14))}" in text, text


def test_an_emergency_protection_order_after_police_protection_counts_from_the_day_they_took_the_child(servers):
    made, taken = TODAY - timedelta(days=2), TODAY - timedelta(days=4)
    sender = "fact-epo-police"
    servers.say(sender, "how long does an emergency protection order last")
    servers.say(sender, numeric(made))
    text = said(servers.say(sender, f"yes on {numeric(taken)}"))
    assert f"the police took your child first, on {day(taken)}" in text, text
    assert f"until {day(taken + timedelta(days=7))} at the most" in text, text


# Decisions whose 21st day falls when the court office is closed, checked by hand against
# the England and Wales bank holidays: (decision, last day to appeal).
CLOSED_DAY_CASES = [
    (date(2025, 12, 4), date(2025, 12, 29)),    # Thursday 25 December, Boxing Day, weekend
    (date(2026, 3, 13), date(2026, 4, 7)),      # Good Friday, weekend, Easter Monday
    (date(2026, 12, 4), date(2026, 12, 29)),    # Christmas Day, weekend, 28th substitute
    (date(2027, 3, 5), date(2027, 3, 30)),      # Good Friday 2027
    (date(2027, 12, 6), date(2027, 12, 29)),    # 27th and 28th substitutes
    (date(2028, 3, 24), date(2028, 4, 18)),     # Good Friday 2028
    (date(2028, 12, 4), date(2028, 12, 27)),    # Christmas Day, Boxing Day
]


def closed_day_case() -> tuple[date, date]:
    usable = [c for c in CLOSED_DAY_CASES if TODAY - timedelta(days=700) <= c[0] < TODAY]
    if not usable:
        pytest.skip("add a closed-day case within the last 2 years to CLOSED_DAY_CASES")
    return usable[-1]


def test_a_final_appeal_due_on_a_closed_day_moves_to_the_next_open_day(servers):
    decided, last = closed_day_case()
    sender = "fact-appeal-final"
    question = servers.say(sender, f"the judge made the order on {numeric(decided)} how long do i have to appeal")
    assert content_ids(question) == ["dates/appeal-interim-or-final"], said(question)
    assert "interim" in said(question)
    text = said(servers.say(sender, "/dates_appeal_final"))
    assert f"until {day(last)}" in text and "closed" in text, text


def test_an_interim_order_is_told_the_limit_may_be_shorter_and_to_ask_a_solicitor_today(servers):
    decided = TODAY - timedelta(days=3)
    sender = "fact-appeal-interim"
    servers.say(sender, f"the judge made the order on {numeric(decided)} how long do i have to appeal")
    messages = servers.say(sender, "it was an interim order, the case is still going")
    text = said(messages)
    assert "may be shorter" in text and re.search(r"ask your solicitor today", text, re.I), text
    assert day(decided + timedelta(days=21)) not in text, "no 21-day date for an interim order"


def test_final_said_with_the_date_gets_the_date_in_one_reply(servers):
    decided, last = closed_day_case()
    messages = servers.say("fact-appeal-one", f"the judge made the final order on {numeric(decided)}, "
                                              "when is the last day to appeal")
    assert f"until {day(last)}" in said(messages), said(messages)


def test_the_first_review_is_within_3_months_and_later_ones_count_from_the_one_before(servers):
    held = TODAY - timedelta(days=40)
    held = held.replace(day=min(held.day, 28))                # every month has this day
    months = held.month + 3
    first = held.replace(year=held.year + (months - 1) // 12, month=(months - 1) % 12 + 1)
    sender = "fact-review"
    asked = servers.say(sender, "when should the review conference be")
    assert asked and asked[-1].get("part") == "ask", content_ids(asked)
    text = said(servers.say(sender, numeric(held)))
    assert day(first) in text and "within 6 months of the review before it" in text, text
    months = first.month + 6
    later = first.replace(year=first.year + (months - 1) // 12, month=(months - 1) % 12 + 1)
    assert day(later) not in text, "no 'next review' date made up from the first conference"
