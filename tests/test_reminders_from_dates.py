""""Remind me about it" after a worked-out date (actions/dates.py remind_me): offered for a
meeting still to come (a planned conference by its day; the first conference, the first
core group or a review conference, whose day she is then asked), never for a limit (an
appeal, the 26 weeks, an order ending, an assessment), and the reminders dialogue reads
what the button sends."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from actions.dates import ActionDeadlineResult
from bot.dates import LONDON, today_in_london
from bot.deadlines import APPEAL, ASSESSMENT, CORE_GROUP, EPO, ICPC, POLICE, PROCEEDINGS, REVIEW
from bot.reminders.dialogue import ReminderDialogue
from bot.reminders.secret import NumberBox
from bot.reminders.store import ReminderStore, make_engine
from bot.render import Channel
from tests.helpers import make_tracker, run_action

KEY = "pvV6cCnm2Wg0wqWlGuxXFqsYFxw2qhxVdoTL3Zp8xPI="   # a test-only Fernet key
NOW = datetime.now(LONDON)
TODAY = today_in_london(NOW)


def gov_uk(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B} {d.year}"


@pytest.fixture
def remind_label(content) -> str:
    return content.labels["remind_me"]      # the words on the button, from content/labels.yml


def result(kind: str, start: date, channel: str = "rest") -> dict:
    slots = {"deadline_kind": kind, "deadline_date": start.isoformat(), "appeal_decision": "final"}
    [message] = run_action(ActionDeadlineResult(), make_tracker("", slots, channel=channel))[0]
    assert message["metadata"]["content_id"] == kind and message["metadata"]["part"] == "result"
    return message


def remind_buttons(message: dict, label: str) -> list[str]:
    return [b["payload"] for b in message.get("buttons") or [] if b["title"] == label]


@pytest.fixture
def dialogue(tmp_path, renderer):
    store = ReminderStore(make_engine(f"sqlite:///{tmp_path / 'reminders.db'}"), lambda c: "chat:" + c)
    return ReminderDialogue(store, NumberBox([KEY]), lambda number: "hash:" + number, renderer, clock=lambda: NOW)


@pytest.mark.parametrize("kind", [CORE_GROUP, REVIEW])
def test_a_planned_conference_is_offered_by_its_day_and_the_dialogue_asks_only_the_time(
        kind, remind_label, dialogue):
    conference = TODAY + timedelta(days=9)
    [payload] = remind_buttons(result(kind, conference), remind_label)
    assert payload == f"remind me about my conference on {gov_uk(conference)}"
    [asked] = dialogue.turn("web-1", payload, Channel.WEB)
    assert asked.content_id == "meta/reminder-no-time"
    assert f"Your conference is on {gov_uk(conference)}" in asked.text
    pending = dialogue.store.pending(dialogue.store.chat_key("web-1"), NOW)
    assert (pending.kind, pending.event_day) == ("conference", conference)
    [number] = dialogue.turn("web-1", "10am", Channel.WEB)       # her answer fills the gap
    assert number.content_id == "meta/reminder-number" and f"{gov_uk(conference)} at 10am" in number.text


@pytest.mark.parametrize("kind, start, event, reminder_kind", [
    (ICPC, TODAY - timedelta(days=2), "conference", "conference"),              # from the strategy discussion
    (CORE_GROUP, TODAY - timedelta(days=2), "core group meeting", "core_group"),  # from the conference
    (REVIEW, TODAY - timedelta(days=10), "conference", "conference"),           # the first review
])
def test_a_meeting_still_to_come_is_offered_without_a_day_and_the_dialogue_asks_for_it(
        kind, start, event, reminder_kind, remind_label, dialogue):
    # The worked-out date is only the latest day for the meeting, so the button names none.
    [payload] = remind_buttons(result(kind, start), remind_label)
    assert not any(ch.isdigit() for ch in payload)
    [asked] = dialogue.turn("web-2", payload, Channel.WEB)
    assert asked.content_id == "meta/reminder-no-date"
    assert f"a reminder for your {event}" in asked.text
    pending = dialogue.store.pending(dialogue.store.chat_key("web-2"), NOW)
    assert (pending.kind, pending.event_day) == (reminder_kind, None)
    day = TODAY + timedelta(days=12)
    [number] = dialogue.turn("web-2", f"{day.day} {day:%B} at 2pm", Channel.WEB)
    assert number.content_id == "meta/reminder-number" and f"Your {event} is on {gov_uk(day)} at 2pm" in number.text


def test_the_button_is_a_numbered_choice_by_text_too(remind_label):
    assert remind_buttons(result(ICPC, TODAY - timedelta(days=2), channel="sms"), remind_label) == [
        "remind me about my conference"]


def test_no_reminder_once_the_latest_day_for_the_meeting_has_passed(remind_label):
    # 15 working days from 60 days ago is about 21 days ago.
    assert remind_buttons(result(ICPC, TODAY - timedelta(days=60)), remind_label) == []


@pytest.mark.parametrize("kind, start", [
    (APPEAL, TODAY - timedelta(days=3)),          # a time limit, not a hearing
    (PROCEEDINGS, TODAY - timedelta(days=10)),    # the end of the 26 weeks
    (EPO, TODAY - timedelta(days=1)),             # an order ending
    (POLICE, TODAY - timedelta(days=1)),
    (ASSESSMENT, TODAY - timedelta(days=3)),      # a target for finishing a piece of work
])
def test_a_limit_is_never_offered_as_a_reminder(kind, start, remind_label):
    assert remind_buttons(result(kind, start), remind_label) == []
