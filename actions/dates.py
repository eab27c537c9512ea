"""Work out a deadline from the date she gives, in the same message or when asked.

The flow is a Rasa form (`deadline_form`, one slot `deadline_date`):
- action_deadline_start notes which deadline she asked about;
- validate_deadline_form reads a date from her message (bot/dates.py), or says kindly
  what was wrong with it; at activation this catches a date in her first message, so
  the answer comes in one reply;
- action_ask_deadline_date asks for the date; action_deadline_result says the result.
Only the ISO date is kept in a slot, never her words.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import show
from actions.common import fails_kindly, renderer, send_item
from bot.content import intent_for
from bot.dates import AMBIGUOUS, IMPOSSIBLE, MISSING, TOO_FAR, find_date, today_in_london
from bot.deadlines import KINDS, compute, direction_problem, values

KIND, DATE, TRIES = "deadline_kind", "deadline_date", "deadline_tries"
NO_DATE = "none"          # the value that ends the form without a date
MAX_TRIES = 3             # messages without a usable date before we stop asking
FUTURE = "future"
PROBLEM_ITEM = {
    IMPOSSIBLE: "dates/date-impossible",
    AMBIGUOUS: "dates/date-unclear",
    TOO_FAR: "dates/date-far",
    FUTURE: "dates/date-future",
    MISSING: "dates/date-missing",
}
# While the form waits for a date, these intents mean she is still answering it;
# any other intent (a safety message, another question) is answered as usual instead.
STILL_ANSWERING = ("dates_", "nlu_fallback")


def read_date(kind: str, text: str, today: date) -> tuple[str | None, str | None]:
    """(ISO date, None) or (None, the problem with what she wrote)."""
    found = find_date(text, today)
    if found.problem:
        return None, found.problem
    if direction_problem(kind, found.date, today):
        return None, FUTURE
    return found.date.isoformat(), None


def _intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


class ActionDeadlineStart(Action):
    def name(self) -> str:
        return "action_deadline_start"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        item = renderer().content.by_intent(_intent(tracker))
        kind = item.id if item is not None and item.id in KINDS else None
        if kind and find_date(tracker.latest_message.get("text") or "", today_in_london()).problem == MISSING:
            send_item(dispatcher, tracker, kind)  # the general answer first, then the question
        # requested_slot is cleared so the form treats this message as a fresh start.
        return [SlotSet(KIND, kind), SlotSet(DATE, None), SlotSet(TRIES, 0), SlotSet("last_item", kind),
                SlotSet("requested_slot", None)]


class ValidateDeadlineForm(Action):
    def name(self) -> str:
        return "validate_deadline_form"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = tracker.get_slot(KIND)
        if kind not in KINDS:
            return [SlotSet(DATE, NO_DATE)]
        intent = _intent(tracker)
        answering = tracker.get_slot("requested_slot") == DATE
        if answering and intent.startswith("safety_"):
            return []  # nothing filled: the form steps aside and the safety reply is sent
        if answering and intent.startswith("dates_") and intent != intent_for(kind):
            return []  # she asked about another deadline: its own rule starts again
        if answering and intent == "dont_know":
            return [SlotSet(DATE, NO_DATE)]
        iso, problem = read_date(kind, tracker.latest_message.get("text") or "", today_in_london())
        if iso:
            return [SlotSet(DATE, iso)]
        if problem == MISSING and (not answering or not intent.startswith(STILL_ANSWERING)):
            return []  # activation without a date (the form asks), or she moved on
        tries = int(tracker.get_slot(TRIES) or 0) + 1
        if tries >= MAX_TRIES:
            return [SlotSet(DATE, NO_DATE), SlotSet(TRIES, tries)]
        send_item(dispatcher, tracker, PROBLEM_ITEM[problem])
        return [SlotSet(DATE, None), SlotSet(TRIES, tries)]


class ActionAskDeadlineDate(Action):
    def name(self) -> str:
        return "action_ask_deadline_date"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = tracker.get_slot(KIND)
        if kind in KINDS:
            send_item(dispatcher, tracker, kind, "ask")
        return []


class ActionDeadlineResult(Action):
    def name(self) -> str:
        return "action_deadline_result"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind, iso = tracker.get_slot(KIND), tracker.get_slot(DATE)
        done = [SlotSet(KIND, None), SlotSet(DATE, None), SlotSet(TRIES, None)]
        if kind not in KINDS or not iso or iso == NO_DATE:
            return show(dispatcher, tracker, "dates/no-date") + done
        deadline = compute(kind, date.fromisoformat(iso))
        send_item(dispatcher, tracker, kind, "result", values(deadline))
        return done + [
            SlotSet("last_item", kind),
            SlotSet("deadline_start", deadline.start.isoformat()),
            SlotSet("deadline_due", deadline.due.isoformat()),
        ]
