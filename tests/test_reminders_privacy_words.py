"""What she is told about how long a reminder is kept is what the store does: the web chat's
number prompt (meta/reminder-number) and the privacy item say how many hours after the
meeting the kind of meeting and its time are deleted, and the store deletes the row then,
not before. The number comes from the store's setting, so changing it changes the words."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from bot.content import load
from bot.dates import LONDON
from bot.reminders import store as reminder_store
from bot.reminders.store import ASK_YES, ReminderStore, make_engine
from bot.render import Channel, Renderer

HOURS_AFTER = re.compile(r"(\d+) hours after the meeting")
EVENT = datetime(2027, 1, 14, 10, 0, tzinfo=LONDON)
# Where each item says it: the web chat's prompt for her number, and the privacy notice.
SAID_IN = [("meta/reminder-number", Channel.WEB, "main"), ("meta/privacy", Channel.WEB, "more"),
           ("meta/privacy", Channel.SMS, "main")]


def hours_said(content_id: str, channel: Channel, part: str) -> int:
    text = Renderer(load()).message(content_id, channel, part).text
    found = HOURS_AFTER.findall(text)
    assert found, f"{content_id} ({channel.value}, {part}) does not say how long after the meeting: {text}"
    assert "soon after" not in text
    return int(found[0])


def row_kept_at(tmp_path, moment: datetime) -> bool:
    store = ReminderStore(make_engine(f"sqlite:///{tmp_path / 'reminders.db'}"), lambda c: c)
    reminder_id = store.start("chat", "conference", ASK_YES, EVENT - timedelta(days=5))
    store.confirm(reminder_id, EVENT, EVENT - timedelta(hours=17), None, "her-hash", "token")
    store.clean(moment)
    kept = store.get(reminder_id) is not None
    store.cancel(reminder_id)
    return kept


@pytest.mark.parametrize("content_id, channel, part", SAID_IN)
def test_the_words_say_when_the_store_deletes_the_meeting_and_its_time(tmp_path, content_id, channel, part):
    hours = hours_said(content_id, channel, part)
    assert row_kept_at(tmp_path, EVENT + timedelta(hours=hours) - timedelta(minutes=1))
    assert not row_kept_at(tmp_path, EVENT + timedelta(hours=hours))


@pytest.mark.parametrize("content_id, channel, part", SAID_IN)
def test_the_hours_come_from_the_stores_setting_not_typed_in_the_item(monkeypatch, tmp_path, content_id, channel, part):
    monkeypatch.setattr(reminder_store, "KEEP_AFTER_EVENT_SECONDS", 6 * 3600)
    assert hours_said(content_id, channel, part) == 6
    assert not row_kept_at(tmp_path, EVENT + timedelta(hours=6))
