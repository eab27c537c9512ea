"""Setting up, listing and cancelling reminders, in the SMS channel and the web chat.

Rasa-free and channel-free: `turn()` gets one message and answers with content
items (`bot.render.Message`), or None when the message is not about reminders (the
channel then passes it to the bot as usual). The web chat and SMS differ only in
the number: by text it is the phone she texts from; on the web she types it, and
it goes straight into the store, locked, never to the bot or its tracker store.

    her: remind me about my conference on 14 January at 10am
    bot: Your conference is on Wednesday 14 January 2027 at 10am. I will text you on
         Tuesday 13 January 2027 at 5pm. ... Reply YES to set it up. (web: type your
         mobile number first; it says what is kept and for how long)
    her: YES            (or YES MORNING: a text on the morning too)
    her: my reminders   -> a numbered list;   CANCEL 2 -> that one goes
    her: INFO           -> the details and what to bring (after a reminder text)

A request with something missing or wrong (no time, no date, an impossible date, a
time that has gone) gets a kind re-ask, and her next message fills the gap. An
unconfirmed request lasts an hour; talking about something else drops it (except
while the web chat waits for her number), so a later "yes" to another question
never sets a reminder.
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, timezone
from typing import Callable

from bot import dates
from bot.content import default_content
from bot.render import Channel, Message, Renderer
from bot.reminders import parse, schedule
from bot.reminders.secret import NumberBox
from bot.reminders.store import ASK_DATE, ASK_NUMBER, ASK_TIME, ASK_YES, Reminder, ReminderStore

logger = logging.getLogger(__name__)

MAX_WAITING = 5     # reminders waiting for one number; also limits texts to someone else's phone

HOW, NUMBER, CONFIRM, SET, NOT_SET = ("meta/reminders", "meta/reminder-number", "meta/reminder-confirm",
                                      "meta/reminder-set", "meta/reminder-not-set")
NO_DATE, NO_TIME, BAD_DATE, BAD_TIME, PAST, TOO_FAR, TOO_SOON = (
    "meta/reminder-no-date", "meta/reminder-no-time", "meta/reminder-bad-date", "meta/reminder-bad-time",
    "meta/reminder-past", "meta/reminder-too-far", "meta/reminder-too-soon")
BAD_NUMBER, FULL, LIST, NONE, CANCELLED, INFO, TEXT = (
    "meta/reminder-bad-number", "meta/reminder-full", "meta/reminder-list", "meta/reminder-none",
    "meta/reminder-cancelled", "meta/reminder-info", "meta/reminder-text")
ITEMS = (HOW, NUMBER, CONFIRM, SET, NOT_SET, NO_DATE, NO_TIME, BAD_DATE, BAD_TIME, PAST, TOO_FAR, TOO_SOON,
         BAD_NUMBER, FULL, LIST, NONE, CANCELLED, INFO, TEXT)

_LIST = re.compile(r"^(?:(?:show|see|check|list|view|what are)\s+)?(?:(?:my|all|all my|the)\s+)?reminders?$")
_ALL = r"(?:all\s+(?:of\s+)?(?:my\s+|the\s+)?reminders?|(?:my\s+|the\s+)?reminders)"
_CANCEL_ALL = re.compile(r"^(?:cancel|stop|delete|remove)\s+" + _ALL + r"$")
# "cancel 2", "cancel my conference reminder", "delete reminder 1"; not "cancel the meeting".
_CANCEL = re.compile(r"^(?:cancel|delete|remove|stop)\b(.{0,60})$")
_CANCEL_ONLY_NUMBER = re.compile(r"^\s*(?:(?:no\.?|number|#)\s*)?(\d{1,2})?\s*$")
_CANCEL_NUMBER = re.compile(r"(?<![\d:])(\d{1,2})(?![\d:])")
_INFO = re.compile(r"^(?:info|details|more info|information)$")
_YES = re.compile(r"^(?:yes|y|yeah|yea|yep|yup|yes please|yes pls|ok|okay|sure|please|go on|correct|right)\b")
_MORNING = re.compile(r"\b(?:morning|both|too|as well)\b")
_NO = re.compile(r"^(?:no|n|nope|nah|no thanks|no thank you|cancel|don'?t|wrong)\b")
_DIGITS = re.compile(r"\d")

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _said(text: str) -> str:
    return parse.clean(text).strip(" .!?,'\"")


def uk_mobile(text: str) -> str | None:
    """`07700 900123`, `+44 (0)7700-900123` -> `+447700900123`; None if not a UK mobile."""
    raw = re.sub(r"\(0\)", "", text or "")
    if re.search(r"[^\d\s+()\-.]", raw.strip()):
        return None
    digits = re.sub(r"\D", "", raw)
    for prefix in ("0044", "44", "0"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 10 and digits[len(prefix)] == "7":
            return "+44" + digits[len(prefix):]
    return None


def ending(number: str) -> str:
    return number[-3:]


class ReminderDialogue:
    def __init__(self, store: ReminderStore, box: NumberBox, hasher: Callable[[str], str],
                 renderer: Renderer | None = None, clock: Clock = _now):
        self.store, self.box, self.hasher = store, box, hasher
        self.renderer = renderer or Renderer(default_content())
        self.clock = clock

    # -- words -------------------------------------------------------------------------
    def event_name(self, kind: str) -> str:
        return self.renderer.label(f"reminder_{kind}")

    def _say(self, content_id: str, channel: Channel, **values: object) -> list[Message]:
        return [self.renderer.message(content_id, channel, values={k: v for k, v in values.items()})]

    def _when(self, reminder: Reminder) -> str:
        return dates.format_datetime(reminder.event_at)

    # -- one message -----------------------------------------------------------------
    def turn(self, conversation_id: str, text: str, channel: Channel, number: str | None = None) -> list[Message] | None:
        """Answer a message about reminders, or None for one that is not.

        `conversation_id` is the channel's sender id (by SMS, the hash of her number);
        `number` is given by SMS only, in memory, and is stored only when she says YES.
        """
        now = self.clock()
        said = _said(text)
        chat = self.store.chat_key(conversation_id)
        sender = self.hasher(number) if number else None
        mine = dict(sender=sender) if sender else dict(chat=chat)
        pending = self.store.pending(chat, now)

        if _LIST.match(said):
            return self._list(now, channel, mine)
        if _INFO.match(said):
            upcoming = self.store.upcoming(now, **mine)
            if upcoming:
                sent = [r for r in upcoming if r.last_sent is not None]
                return self._info(sent[0] if sent else upcoming[0], channel)
            return None
        if pending is not None and pending.step == ASK_YES and _YES.match(said):
            return self._confirm(pending, number, now, channel, morning=bool(_MORNING.search(said)))
        if pending is not None and (_NO.match(said) or said == "stop"):
            self.store.drop_pending(chat)
            return self._say(NOT_SET, channel)
        if _CANCEL_ALL.match(said):
            return self._cancel_all(now, channel, mine)
        cancel = _CANCEL.match(said)
        if cancel and ("reminder" in cancel[1] or (said.startswith("cancel") and _CANCEL_ONLY_NUMBER.match(cancel[1]))):
            chosen = _CANCEL_NUMBER.search(cancel[1])
            return self._cancel(now, channel, mine, chosen[1] if chosen else None, parse.kind_of(cancel[1]))
        if parse.is_request(text):
            return self._request(chat, sender, text, now, channel, pending if pending and pending.step in (
                ASK_DATE, ASK_TIME) else None)
        if pending is not None:
            if pending.step in (ASK_DATE, ASK_TIME):
                if uk_mobile(text):  # a number typed too soon: ask again, never pass it on
                    return self._ask_again(pending, channel)
                answer = self._request(chat, sender, text, now, channel, pending, need_new_facts=True)
                if answer is not None:
                    return answer
            elif pending.step == ASK_NUMBER and channel is not Channel.SMS:
                return self._number(pending, text, now, channel)
            self.store.drop_pending(chat)  # she moved on: a later "yes" must not set it
        return None

    # -- setting one up --------------------------------------------------------------------
    def _request(self, chat: str, sender: str | None, text: str, now: datetime, channel: Channel,
                 pending: Reminder | None, need_new_facts: bool = False) -> list[Message] | None:
        today = dates.today_in_london(now)
        day, day_problem = parse.find_day(text, today)
        minute, time_problem = parse.find_time(text)
        kind = parse.kind_of(text)
        if need_new_facts and day is None and minute is None and day_problem in (parse.NO_DATE, None) \
                and time_problem == parse.NO_TIME:
            return None  # not an answer to "which day?" or "what time?"
        if not pending and day is None and minute is None and kind is None and day_problem == parse.NO_DATE \
                and time_problem == parse.NO_TIME:
            return self._say(HOW, channel)  # "remind me", "can you send me reminders?"
        if pending is not None:
            kind = kind or pending.kind
            if day is None and day_problem == parse.NO_DATE:
                day = pending.event_day
                day_problem = None if day else parse.NO_DATE
            if minute is None and time_problem == parse.NO_TIME and pending.event_minute is not None:
                minute, time_problem = pending.event_minute, None
        kind = kind or parse.DEFAULT_KIND
        event = self.event_name(kind)

        def keep(step: str, keep_day: date | None, keep_minute: int | None) -> None:
            self.store.start(chat, kind, step, now, sender=sender, day=keep_day, minute=keep_minute)

        if day_problem == parse.BAD_DATE:
            keep(ASK_DATE, None, minute)
            return self._say(BAD_DATE, channel)
        if day_problem == parse.TOO_FAR:
            keep(ASK_DATE, None, minute)
            return self._say(TOO_FAR, channel)
        if time_problem == parse.BAD_TIME:
            keep(ASK_TIME, day if day_problem is None else None, None)
            return self._say(BAD_TIME, channel)
        if day_problem == parse.PAST:
            keep(ASK_DATE, None, None)
            gone = dates.format_datetime(parse.at_london(day, minute)) if minute is not None else dates.format_date(day)
            return self._say(PAST, channel, when=gone)
        if day is None:
            keep(ASK_DATE, None, minute)
            return self._say(NO_DATE, channel, event=event)
        if minute is None:
            keep(ASK_TIME, day, None)
            return self._say(NO_TIME, channel, event=event, day=dates.format_date(day))
        when = parse.at_london(day, minute)
        if when <= now:
            keep(ASK_DATE, None, None)
            return self._say(PAST, channel, when=dates.format_datetime(when))
        plan = schedule.plan(when, now)
        if plan.empty:
            self.store.drop_pending(chat)
            return self._say(TOO_SOON, channel, event=event, when=dates.format_datetime(when))
        if sender and self.store.count_waiting(sender, now) >= MAX_WAITING:
            self.store.drop_pending(chat)
            return self._say(FULL, channel, most=str(MAX_WAITING))
        step = ASK_YES if sender else ASK_NUMBER
        keep(step, day, minute)
        values = dict(event=event, when=dates.format_datetime(when))
        if step == ASK_NUMBER:
            return self._say(NUMBER, channel, **values)
        return self._say(CONFIRM, channel, **values, **self._plan_values(when, now))

    def _plan_values(self, when: datetime, now: datetime) -> dict[str, str]:
        plan = schedule.plan(when, now)
        first = plan.evening or plan.morning
        both = plan.evening is not None and schedule.morning_possible(when, now)
        return dict(first=dates.format_datetime(first), morning="yes" if both else "")

    def _number(self, pending: Reminder, text: str, now: datetime, channel: Channel) -> list[Message]:
        """The web chat waits for her mobile number; it is locked at once, never kept in clear."""
        if not _DIGITS.search(text or ""):
            return self._again(pending, now, channel)
        number = uk_mobile(text)
        if number is None:
            return self._say(BAD_NUMBER, channel)
        sender = self.hasher(number)
        if self.store.count_waiting(sender, now) >= MAX_WAITING:
            self.store.drop_pending(pending.chat)
            return self._say(FULL, channel, most=str(MAX_WAITING))
        self.store.update(pending.id, sender=sender, number=self.box.lock(number), step=ASK_YES)
        when = parse.at_london(pending.event_day, pending.event_minute)
        return self._say(CONFIRM, channel, event=self.event_name(pending.kind), when=dates.format_datetime(when),
                         ending=ending(number), **self._plan_values(when, now))

    def _ask_again(self, pending: Reminder, channel: Channel) -> list[Message]:
        event = self.event_name(pending.kind)
        if pending.step == ASK_TIME and pending.event_day is not None:
            return self._say(NO_TIME, channel, event=event, day=dates.format_date(pending.event_day))
        return self._say(NO_DATE, channel, event=event)

    def _again(self, pending: Reminder, now: datetime, channel: Channel) -> list[Message]:
        when = parse.at_london(pending.event_day, pending.event_minute)
        return self._say(NUMBER, channel, event=self.event_name(pending.kind), when=dates.format_datetime(when))

    def _confirm(self, pending: Reminder, number: str | None, now: datetime, channel: Channel,
                 morning: bool) -> list[Message]:
        when = parse.at_london(pending.event_day, pending.event_minute)
        event = self.event_name(pending.kind)
        plan = schedule.plan(when, now, morning=morning)
        if plan.empty:
            self.store.drop_pending(pending.chat)
            return self._say(TOO_SOON, channel, event=event, when=dates.format_datetime(when))
        if number:  # by text: the phone she texts from, locked only now
            sender, token = self.hasher(number), self.box.lock(number)
        else:
            sender, token = pending.sender, pending.number
        if not sender or not token:
            return self._again(pending, now, channel)
        self.store.confirm(pending.id, when, plan.evening, plan.morning, sender, token)
        logger.info("reminders: one set (%s)", pending.kind)  # the kind only: no time, no ids
        times = [dates.format_datetime(t) for t in (plan.evening, plan.morning) if t is not None]
        return self._say(SET, channel, event=event, first=times[0], second=times[1] if len(times) > 1 else "")

    # -- hers --------------------------------------------------------------------------------
    def _list(self, now: datetime, channel: Channel, mine: dict, which: bool = False) -> list[Message]:
        upcoming = self.store.upcoming(now, **mine)
        if not upcoming:
            return self._say(NONE, channel)
        rows = tuple((str(n), self.event_name(r.kind), self._when(r)) for n, r in enumerate(upcoming, 1))
        return self._say(LIST, channel, reminders=rows, which="yes" if which else "")

    def _info(self, reminder: Reminder, channel: Channel) -> list[Message]:
        return self._say(INFO, channel, kind=reminder.kind, event=self.event_name(reminder.kind),
                         when=self._when(reminder))

    def _cancel(self, now: datetime, channel: Channel, mine: dict, number: str | None,
                kind: str | None) -> list[Message]:
        upcoming = self.store.upcoming(now, **mine)
        if not upcoming:
            return self._say(NONE, channel)
        if number is not None:
            index = int(number) - 1
            if not 0 <= index < len(upcoming):
                return self._list(now, channel, mine, which=True)
            chosen = upcoming[index]
        else:
            matching = [r for r in upcoming if kind is None or r.kind == kind]
            if len(matching) != 1:
                return self._list(now, channel, mine, which=True)
            chosen = matching[0]
        self.store.cancel(chosen.id)
        return self._say(CANCELLED, channel, count="1", event=self.event_name(chosen.kind), when=self._when(chosen))

    def _cancel_all(self, now: datetime, channel: Channel, mine: dict) -> list[Message]:
        upcoming = self.store.upcoming(now, **mine)
        if not upcoming:
            return self._say(NONE, channel)
        for reminder in upcoming:
            self.store.cancel(reminder.id)
        return self._say(CANCELLED, channel, count=str(len(upcoming)))

    # -- STOP and deletion -------------------------------------------------------------------
    def stop(self, sender: str) -> int:
        """STOP by text: every reminder for her number goes, at once."""
        count = self.store.cancel_all(sender)
        if count:
            logger.info("reminders: %d cancelled by STOP", count)
        return count
