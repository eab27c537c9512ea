"""Work out a deadline from the date she gives, in the same message or when asked.

The flow is a Rasa form (`deadline_form`, slots `deadline_date` and `appeal_decision`):
- action_deadline_start notes which deadline she asked about;
- validate_deadline_form reads a date from her message (bot/dates.py), or says kindly
  what was wrong with it; at activation this catches a date in her first message, so
  the answer comes in one reply;
- action_ask_deadline_date asks for the date; action_deadline_result says the result.
- For an appeal only, action_ask_appeal_decision then asks whether the decision was
  final or interim (dates/appeal-interim-or-final), because an interim order may have
  a shorter time limit; an interim (or "not sure") answer gets dates/appeal-interim
  instead of the 21-day date. Every other deadline fills `appeal_decision` with
  NOT_ASKED, so the form never asks it.
- For an emergency protection order only, action_ask_police_start then asks whether the
  police took the child first, and on what day (dates/epo-police-first): the 8 days then
  count from that day (s45(3)). Every other deadline fills `police_start` with NOT_ASKED.
Only ISO dates and the kind of decision are kept in slots, never her words.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import show
from actions.common import channel_of, fails_kindly, renderer, send, send_item
from bot.content import intent_for
from bot.dates import AMBIGUOUS, IMPOSSIBLE, MISSING, TOO_FAR, find_date, today_in_london
from bot.deadlines import APPEAL, EPO, KINDS, compute, direction_problem, values
from bot.render import Button

KIND, DATE, TRIES, DECISION, POLICE = ("deadline_kind", "deadline_date", "deadline_tries", "appeal_decision",
                                      "police_start")
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
# Was the decision she wants to appeal final or interim? (appeal only)
DECISION_ITEM, INTERIM_ITEM, FINAL_ITEM = "dates/appeal-interim-or-final", "dates/appeal-interim", "dates/appeal-final"
FINAL, INTERIM, NOT_SURE, NOT_ASKED = "final", "interim", "not_sure", "not_asked"
DECISION_INTENTS = {intent_for(INTERIM_ITEM): INTERIM, intent_for(FINAL_ITEM): FINAL,
                    "stage_interim_care_order": INTERIM, "dont_know": NOT_SURE, "nlu_fallback": NOT_SURE}
# Did the police take the child before the emergency order? (EPO only.) Her answer is a
# day, "no" (NO_POLICE) or not sure. Police protection lasts at most 72 hours, so only a
# day up to 3 days before the order can be where the 8 days start.
POLICE_ITEM, NO_POLICE, POLICE_MAX_DAYS_BEFORE = "dates/epo-police-first", "none", 3
_NOT_SURE_WORDS = re.compile(r"\b(?:not sure|unsure|no idea|dunno|idk|i don'?t know|dont know|can'?t remember)\b")
_NO_WORDS = re.compile(r"^\W*(?:no|nope|nah|na|not the police|they did(?:n'?t| not)|did(?:n'?t| not))\b")
# Her own words count before the classifier: "not final" is interim and "not interim"
# is final; otherwise "interim" words win over "final" ones (the safer answer).
_NOT_FINAL = re.compile(r"\bnot (?:the |a )?final\b")
_NOT_INTERIM = re.compile(r"\bnot (?:an |the )?(?:interim|temporary)\b")
_INTERIM_WORDS = re.compile(r"\binterim\b|\bshort[- ]?term\b|\btemporary\b|\bfor now\b")
_FINAL_WORDS = re.compile(r"\bfinal\b|\bend of (?:the )?case\b")
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


def read_decision(intent: str, text: str) -> str | None:
    """final, interim or not_sure from her answer to "final or interim?"; None if she moved on."""
    words = (text or "").lower()
    if _NOT_FINAL.search(words):
        return INTERIM
    if _NOT_INTERIM.search(words):
        return FINAL
    if _INTERIM_WORDS.search(words):
        return INTERIM
    if _FINAL_WORDS.search(words):
        return FINAL
    return DECISION_INTENTS.get(intent)


def read_police_start(intent: str, text: str, order_day: date, today: date) -> str | None:
    """ISO day the police took the child, NO_POLICE, NOT_SURE, MISSING (she said yes but
    gave no day), or None if she moved on to something else."""
    words = (text or "").strip().lower()
    found = find_date(words, today)
    if found.date is not None:
        first = found.date
        counts = order_day - timedelta(days=POLICE_MAX_DAYS_BEFORE) <= first <= order_day
        return first.isoformat() if counts else NOT_SURE
    if intent == "dont_know" or _NOT_SURE_WORDS.search(words):
        return NOT_SURE
    if words == "/keep_going" or _NO_WORDS.search(words):   # the "No, they did not" button, or her "no"
        return NO_POLICE
    if intent == "nlu_fallback":
        return NOT_SURE
    if intent == "keep_going" or intent.startswith("dates_"):
        return MISSING   # "yes" (or a date we could not read): ask for the day
    return None


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
        return [SlotSet(KIND, kind), SlotSet(DATE, None), SlotSet(TRIES, 0), SlotSet(DECISION, None),
                SlotSet(POLICE, None), SlotSet("last_item", kind), SlotSet("requested_slot", None)]


class ValidateDeadlineForm(Action):
    def name(self) -> str:
        return "validate_deadline_form"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = tracker.get_slot(KIND)
        if kind not in KINDS:
            return [SlotSet(DATE, NO_DATE), SlotSet(DECISION, NOT_ASKED), SlotSet(POLICE, NOT_ASKED)]
        intent = _intent(tracker)
        text = tracker.latest_message.get("text") or ""
        requested = tracker.get_slot("requested_slot")
        if requested == POLICE:
            return self._police_answer(dispatcher, tracker, intent, text)
        if requested == DECISION:
            if intent.startswith("safety_"):
                return []  # the form steps aside and the safety reply is sent
            decision = read_decision(intent, text)
            return [SlotSet(DECISION, decision)] if decision else []
        # After this point the date is wanted; the decision is filled or not needed. For an
        # appeal, "final" or "interim" in the same message answers the question too.
        if kind == APPEAL:
            said = read_decision("", text)   # her words only: None unless she said which
            decided = [SlotSet(DECISION, said)] if said else []
        else:
            decided = [SlotSet(DECISION, NOT_ASKED)]
        if kind != EPO:
            decided.append(SlotSet(POLICE, NOT_ASKED))
        # Without a date the form ends: neither second question is asked.
        no_date = [SlotSet(DATE, NO_DATE), SlotSet(DECISION, tracker.get_slot(DECISION) or NOT_ASKED),
                   SlotSet(POLICE, NOT_ASKED)]
        answering = requested == DATE
        if answering and intent.startswith("safety_"):
            return []  # nothing filled: the form steps aside and the safety reply is sent
        if kind == APPEAL and intent in (intent_for(INTERIM_ITEM), intent_for(FINAL_ITEM)):
            return [SlotSet(DECISION, DECISION_INTENTS[intent])]  # then the form asks the date
        if answering and intent.startswith("dates_") and intent != intent_for(kind):
            return []  # she asked about another deadline: its own rule starts again
        if answering and intent == "dont_know":
            return no_date
        iso, problem = read_date(kind, text, today_in_london())
        if iso:
            return [SlotSet(DATE, iso), *decided]
        if problem == MISSING and (not answering or not intent.startswith(STILL_ANSWERING)):
            return []  # activation without a date (the form asks), or she moved on
        tries = int(tracker.get_slot(TRIES) or 0) + 1
        if tries >= MAX_TRIES:
            return no_date + [SlotSet(TRIES, tries)]
        send_item(dispatcher, tracker, PROBLEM_ITEM[problem])
        return [SlotSet(DATE, None), SlotSet(TRIES, tries)]

    @staticmethod
    def _police_answer(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str, text: str) -> list:
        """Her answer to "did the police take your child first?" (EPO only)."""
        if intent.startswith("safety_"):
            return []  # the form steps aside and the safety reply is sent
        order_day = date.fromisoformat(tracker.get_slot(DATE))
        answer = read_police_start(intent, text, order_day, today_in_london())
        if answer is None:
            return []  # she moved on: her own question is answered
        if answer != MISSING:
            return [SlotSet(POLICE, answer)]
        tries = int(tracker.get_slot(TRIES) or 0) + 1
        if tries >= MAX_TRIES:
            return [SlotSet(POLICE, NOT_SURE), SlotSet(TRIES, tries)]
        send_item(dispatcher, tracker, PROBLEM_ITEM[MISSING])
        return [SlotSet(TRIES, tries)]


class ActionAskDeadlineDate(Action):
    def name(self) -> str:
        return "action_ask_deadline_date"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind = tracker.get_slot(KIND)
        if kind in KINDS:
            send_item(dispatcher, tracker, kind, "ask")
        return []


class ActionAskAppealDecision(Action):
    """"Was this a final decision, or an interim one?" with a button for each answer."""

    def name(self) -> str:
        return "action_ask_appeal_decision"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        r = renderer()
        item = r.content.item(DECISION_ITEM)
        message = r.message(DECISION_ITEM, channel_of(tracker))
        buttons = tuple(Button(option.label, "/" + intent_for(option.id)) for option in item.options)
        send(dispatcher, replace(message, buttons=buttons + (Button(r.label("not_sure"), "/dont_know"),)))
        return []


class ActionAskPoliceStart(Action):
    """"Did the police take your child before the order?" with "no" and "not sure" buttons."""

    def name(self) -> str:
        return "action_ask_police_start"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send_item(dispatcher, tracker, POLICE_ITEM)
        return []


from bot.deadlines import CORE_GROUP, ICPC, PLANNED_OK, REVIEW  # noqa: E402  (imported here: only remind_me uses them)

# "Remind me about it" is offered only where the worked-out date is a meeting still to
# come, and the button sends the words the reminders dialogue reads (bot/reminders/parse.py).
# - A planned conference (core group and review kinds, start still to come): she gave its
#   day, so the button names it and the dialogue asks only the time.
# - The first conference, the first core group and a review are meetings she goes to, but
#   the date worked out is only the latest day they should be held ("should meet by"), not
#   the day set; so the button names no day, and the dialogue asks her for it.
# - Nothing for the rest: an appeal limit, the 26 weeks, the end of an EPO or police
#   protection, an assessment's target are limits, not meetings; a "reminder" would read as
#   if something were booked that day. Nor once the latest day has passed.
REMIND_ABOUT = {ICPC: "my conference", CORE_GROUP: "my core group meeting", REVIEW: "my review conference"}


def remind_me(kind: str, worked_out: dict[str, str]) -> tuple[Button, ...]:
    """The "Remind me about it" button for a worked-out date, or none (see REMIND_ABOUT)."""
    if kind in PLANNED_OK and worked_out.get("planned"):
        request = f"remind me about my conference on {worked_out['start']}"
    elif kind in REMIND_ABOUT and not worked_out.get("passed"):
        request = f"remind me about {REMIND_ABOUT[kind]}"
    else:
        return ()
    return (Button(renderer().label("remind_me"), request),)


class ActionDeadlineResult(Action):
    def name(self) -> str:
        return "action_deadline_result"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        kind, iso, decision = tracker.get_slot(KIND), tracker.get_slot(DATE), tracker.get_slot(DECISION)
        done = [SlotSet(KIND, None), SlotSet(DATE, None), SlotSet(TRIES, None), SlotSet(DECISION, None),
                SlotSet(POLICE, None)]
        if kind not in KINDS or not iso or iso == NO_DATE:
            return show(dispatcher, tracker, "dates/no-date") + done
        police = tracker.get_slot(POLICE)
        police_start = date.fromisoformat(police) if kind == EPO and police and police[:1].isdigit() else None
        deadline = compute(kind, date.fromisoformat(iso), police_start=police_start)
        shown = kind
        if kind == APPEAL and decision in (INTERIM, NOT_SURE):
            # An interim order's limit may be shorter: no 21-day date as the answer.
            shown = INTERIM_ITEM
            send_item(dispatcher, tracker, shown, "result",
                      {**values(deadline, today_in_london()), "not_sure": "yes" if decision == NOT_SURE else ""})
        else:
            worked_out = values(deadline, today_in_london())
            send_item(dispatcher, tracker, kind, "result", worked_out,
                      facts={"start": deadline.start.isoformat()[:10], "due": deadline.due.isoformat()[:10]},
                      extra_buttons=remind_me(kind, worked_out))
        return done + [
            SlotSet("last_item", shown),
            SlotSet("deadline_start", deadline.start.isoformat()),
            SlotSet("deadline_due", deadline.due.isoformat()),
        ]
