"""What happens to one inbound text: keywords, numbered choices, the bot, the reply.

Rasa-free: the bot is any coroutine `ask_bot(sender, text) -> [messages]` (the Rasa
channel passes one that runs the agent; tests pass a fake). `sender` is always the
keyed hash of her number; the number itself is held in memory only, for as long as
a reply is being sent to it.

Order of a turn, per texter (one at a time, so replies never overtake each other):
1. anything still in the outbox from an earlier failure is sent first;
2. STOP words stop her texts at once (one confirmation, then silence until START),
   and cancel her reminders;
3. reminders (bot.reminders.dialogue): "remind me ...", YES, MY REMINDERS, CANCEL 2,
   INFO after a reminder text; anything else is not theirs;
4. HELP, START, MENU, DELETE, MORE, a number or an option's words;
5. anything else goes to the bot, whose items are rendered as one SMS (bot.sms.render).
A reply that cannot be delivered stays in the outbox and is retried a few times in
the background, and again whenever she texts next.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from bot.content import default_content
from bot.ids import ERROR, FALLBACK, FORGET_ME
from bot.privacy.deletion import forget_after_turn
from bot.render import Channel, Renderer
from bot.sms.gateway import GatewayError, SmsGateway
from bot.sms.keywords import Keyword, keyword
from bot.sms.render import Choice, compose, read_reply
from bot.sms.sender_id import SenderHasher
from bot.sms.state import Pending, SmsState

if TYPE_CHECKING:
    from bot.reminders.dialogue import ReminderDialogue

logger = logging.getLogger(__name__)

STOP_ITEM, START_ITEM, HELP_ITEM = "meta/sms-stop", "meta/sms-start", "meta/sms-help"
MENU_PAYLOAD, MORE_PAYLOAD = "/meta_what_can_you_do", "/nav_more"
MAX_TEXT_CHARS = 1600   # the longest text a phone sends (10 joined segments)
RETRY_DELAYS = (15.0, 60.0, 300.0)

AskBot = Callable[[str, str], Awaitable[list[dict[str, Any]]]]
Forget = Callable[[str], Any]   # returns (or awaits to) whether the conversation was deleted


@dataclass(frozen=True)
class Inbound:
    message_sid: str
    number: str          # in memory only; never stored or logged
    body: str


def _short(sender: str) -> str:
    return sender[:8]  # enough to follow one conversation in the logs, not to find her


class SmsConversations:
    def __init__(
        self, state: SmsState, gateway: SmsGateway, hasher: SenderHasher, ask_bot: AskBot,
        forget: Forget, renderer: Renderer | None = None, retry_delays: tuple[float, ...] = RETRY_DELAYS,
        reminders: "ReminderDialogue | None" = None,
    ):
        self.state, self.gateway, self.hasher = state, gateway, hasher
        self.ask_bot, self.forget = ask_bot, forget
        self.renderer = renderer or Renderer(default_content())
        self.retry_delays = retry_delays
        self.reminders = reminders
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._retrying: set[str] = set()
        self._tasks: set[asyncio.Task] = set()

    # -- entry points -------------------------------------------------------
    def receive(self, inbound: Inbound) -> bool:
        """Accept a text and handle it in the background. False for a repeated delivery."""
        if inbound.message_sid and not self.state.first_delivery(inbound.message_sid):
            logger.info("sms: message %s was already answered", inbound.message_sid)
            return False
        self._spawn(self.handle(inbound))
        return True

    async def drain(self, timeout: float = 30) -> None:
        """Wait for the background work (tests; a graceful shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    def _spawn(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)  # keep a reference until it ends
        task.add_done_callback(self._tasks.discard)

    def _lock_for(self, sender: str) -> asyncio.Lock:
        lock = self._locks.get(sender)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[sender] = lock
        return lock

    async def handle(self, inbound: Inbound) -> None:
        sender = self.hasher(inbound.number)
        lock = self._lock_for(sender)
        async with lock:
            try:
                await self._flush(inbound.number, sender)
                await self._turn(inbound, sender)
            except Exception:
                logger.exception("sms %s: handling a text failed", _short(sender))  # never the text

    # -- one turn -------------------------------------------------------------
    async def _turn(self, inbound: Inbound, sender: str) -> None:
        number, text = inbound.number, (inbound.body or "")[:MAX_TEXT_CHARS]
        word = keyword(text)
        if self.state.is_stopped(sender):
            if word is Keyword.START:
                self.state.start(sender)
                await self._say_items(number, sender, [START_ITEM])
            elif word is Keyword.DELETE:
                await self._forget(sender)  # done quietly: she asked for no texts
            else:
                logger.info("sms %s: stopped, nothing sent", _short(sender))
            return
        if word is Keyword.STOP:
            await self._stop(number, sender)
        elif word in (None, Keyword.HELP) and (answer := self._reminders(sender, number, text)) is not None:
            await self._say(number, sender, answer)  # HELP: INFO after a reminder text gives its details
        elif word is Keyword.START:
            await self._say_items(number, sender, [START_ITEM])
        elif word is Keyword.HELP:
            await self._say_items(number, sender, [HELP_ITEM])
        elif word is Keyword.DELETE:
            deleted = await self._forget(sender)
            await self._say_items(number, sender, [FORGET_ME if deleted else ERROR])
        elif word is Keyword.MENU:
            await self._ask(number, sender, MENU_PAYLOAD)
        elif word is Keyword.MORE:
            await self._more(number, sender, text)
        elif not text.strip():
            await self._say_items(number, sender, [FALLBACK])
        else:
            pending = self.state.pending(sender)
            reply = read_reply(text, pending.choices)
            if reply.index is not None:
                payload = pending.choices[reply.index].payload
                # A choice may be a reminder request ("Remind me about it" after a date).
                if (answer := self._reminders(sender, number, payload)) is not None:
                    await self._say(number, sender, answer)
                else:
                    await self._ask(number, sender, payload)
            elif reply.is_number:
                await self._say_items(number, sender, [FALLBACK])  # a number she was not offered
            else:
                await self._ask(number, sender, text)

    def _reminders(self, sender: str, number: str, text: str) -> list[dict[str, Any]] | None:
        if self.reminders is None:
            return None
        try:
            messages = self.reminders.turn(sender, text, Channel.SMS, number)
        except Exception:
            logger.exception("sms %s: reminders failed; the bot answers instead", _short(sender))
            return None
        if messages is None:
            return None
        return [m.to_wire() for m in messages]

    async def _stop(self, number: str, sender: str) -> None:
        if self.reminders is not None:
            try:
                self.reminders.stop(sender)
            except Exception:
                logger.exception("sms %s: cancelling reminders after STOP failed", _short(sender))
        first_time = self.state.stop(sender)
        self.state.clear_outbox(sender)
        self.state.set_pending(sender, Pending([]))
        if not first_time:
            return
        # The one confirmation goes straight out: the outbox no longer sends to her.
        text = compose(self._item(STOP_ITEM)["text"], [], *self._labels()).text
        try:
            await self.gateway.send(number, text)
            logger.info("sms %s: stopped, confirmation sent", _short(sender))
        except GatewayError as error:
            logger.warning("sms %s: stopped; the confirmation was not delivered (%s)", _short(sender), error)

    async def _more(self, number: str, sender: str, text: str) -> None:
        pending = self.state.pending(sender)
        if pending.rest:
            await self._send_piece(number, sender, pending.rest, pending.choices, ["(more)"])
        elif any(choice.payload == MORE_PAYLOAD for choice in pending.choices):
            await self._ask(number, sender, MORE_PAYLOAD)
        else:
            await self._ask(number, sender, text)

    async def _ask(self, number: str, sender: str, text: str) -> None:
        try:
            messages = await self.ask_bot(sender, text)
        except Exception:
            logger.exception("sms %s: the bot failed", _short(sender))
            messages = []
        messages = [m for m in messages if m.get("text")] or [self._item(ERROR)]
        if await forget_after_turn(self._forget, sender, messages) is False:
            messages = [self._item(ERROR)]  # never say "deleted" when it was not
        await self._say(number, sender, messages)

    async def _forget(self, sender: str) -> bool:
        try:
            result = self.forget(sender)
            deleted = bool(await result) if inspect.isawaitable(result) else bool(result)
        except Exception:
            logger.exception("sms %s: deleting the conversation failed", _short(sender))
            deleted = False
        self.state.forget(sender)
        return deleted

    # -- replies ------------------------------------------------------------------
    def _item(self, content_id: str) -> dict[str, Any]:
        return self.renderer.message(content_id, Channel.SMS).to_wire()

    async def _say_items(self, number: str, sender: str, content_ids: list[str]) -> None:
        await self._say(number, sender, [self._item(cid) for cid in content_ids])

    async def _say(self, number: str, sender: str, messages: list[dict[str, Any]]) -> None:
        body = "\n".join(m["text"] for m in messages if m.get("text"))
        buttons = next((m["buttons"] for m in reversed(messages) if m.get("buttons")), [])
        choices = [Choice(str(b["title"]), str(b["payload"])) for b in buttons if b.get("title") and b.get("payload")]
        ids = [m.get("content_id") or "?" for m in messages]
        await self._send_piece(number, sender, body, choices, ids)

    def _labels(self) -> tuple[str, str]:
        return self.renderer.label("sms_reply_prompt"), self.renderer.label("sms_more")

    async def _send_piece(self, number: str, sender: str, body: str, choices: list[Choice], ids: list[str]) -> None:
        piece = compose(body, choices, *self._labels())
        self.state.set_pending(sender, Pending(choices, piece.rest))
        self.state.queue(sender, piece.text)
        logger.info("sms %s: reply %s, %d options%s", _short(sender), ",".join(ids), piece.options_shown,
                    ", more to come" if piece.rest else "")
        await self._flush(number, sender)

    # -- delivery -----------------------------------------------------------------
    async def _deliver(self, number: str, sender: str) -> bool:
        """Send her outbox in order. True when nothing is left to send."""
        if self.state.is_stopped(sender):
            self.state.clear_outbox(sender)
            return True
        for outgoing in self.state.outbox(sender):
            if not self.state.claim(outgoing):
                continue  # another server is sending it
            try:
                await self.gateway.send(number, outgoing.body)
            except GatewayError as error:
                if not error.permanent:
                    logger.warning("sms %s: not delivered, kept to retry (%s)", _short(sender), error)
                    self.state.put_back(outgoing)
                    return False
                logger.error("sms %s: the gateway refused a text; dropped (%s)", _short(sender), error)
        return True

    async def _flush(self, number: str, sender: str) -> None:
        if not await self._deliver(number, sender) and sender not in self._retrying:
            self._retrying.add(sender)
            self._spawn(self._retry(number, sender))

    async def _retry(self, number: str, sender: str) -> None:
        try:
            for delay in self.retry_delays:
                await asyncio.sleep(delay)
                async with self._lock_for(sender):
                    if await self._deliver(number, sender):
                        logger.info("sms %s: delivered after a retry", _short(sender))
                        return
            logger.warning("sms %s: still not delivered; kept until she texts again", _short(sender))
        finally:
            self._retrying.discard(sender)
