"""Whole SMS conversations against a fake gateway on loopback, with a stand-in bot.

The real Rasa server is exercised in tests/live/test_sms_live.py; here the bot is a
small fake that answers from content, so every path (keywords, numbers, MORE,
failures) runs in well under a second.
"""
from __future__ import annotations

import asyncio
import logging

import pytest

from bot.render import Channel
from bot.sms.conversation import Inbound, SmsConversations
from bot.sms.gateway import GatewayConfig, SmsGateway
from bot.sms.render import MAX_SEGMENTS
from bot.sms.sender_id import SenderHasher
from bot.sms.state import SmsState
from bot.sms.segments import segments
from tests.fake_sms_gateway import ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER, FakeGateway

NUMBER = "+447700900123"
ANSWERS = {"what is section 20": "stage/section-20", "/meta_what_can_you_do": "meta/what-can-you-do",
           "delete my chat": "meta/forget-me", "/nav_next": "stage/pre-proceedings"}
LONG = " ".join(f"This is sentence {n} of a very long answer." for n in range(60))


class FakeBot:
    def __init__(self, renderer):
        self.renderer, self.heard, self.broken = renderer, [], False

    async def __call__(self, sender: str, text: str) -> list[dict]:
        self.heard.append((sender, text))
        if self.broken:
            raise RuntimeError("the bot fell over")
        if text == "tell me everything":
            return [{"text": LONG, "content_id": "stage/section-20"}]
        message = self.renderer.message(ANSWERS.get(text, "meta/fallback"), Channel.SMS)
        data = message.as_dict()
        return [{"text": data["text"], "buttons": data.get("buttons", []), "content_id": message.content_id}]


class Harness:
    def __init__(self, tmp_path, renderer, gateway: FakeGateway, retry_delays=(0.2,)):
        self.fake = gateway
        self.bot = FakeBot(renderer)
        self.forgotten: list[str] = []
        self.forget_works = True
        self.hasher = SenderHasher("test key")
        self.state = SmsState(tmp_path / "sms.db")
        self.gateway = SmsGateway(GatewayConfig(gateway.url, ACCOUNT_SID, AUTH_TOKEN, FROM_NUMBER),
                                  attempts=2, first_pause=0.05, timeout=2)
        self.sms = SmsConversations(self.state, self.gateway, self.hasher, self.bot, self._forget,
                                    renderer, retry_delays=retry_delays)
        self._sid = 0

    def _forget(self, sender):
        self.forgotten.append(sender)
        return self.forget_works

    async def text(self, body: str, sid: str | None = None, number: str = NUMBER) -> bool:
        self._sid += 1
        accepted = self.sms.receive(Inbound(sid or f"SM{self._sid}", number, body))
        await self.sms.drain()
        return accepted

    def sent(self) -> list[str]:
        return self.fake.to(NUMBER)


@pytest.fixture
def gateway():
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture
def run(tmp_path, renderer, gateway):
    """Run one scenario (an async function taking the harness) to the end."""
    def runner(scenario, **options):
        harness = Harness(tmp_path, renderer, gateway, **options)

        async def main():
            try:
                await scenario(harness)
            finally:
                await harness.gateway.close()
        asyncio.run(main())
        return harness
    return runner


def test_a_stage_and_its_numbered_choices(run, renderer):
    async def scenario(h):
        await h.text("what is section 20")
        [reply] = h.sent()
        assert "Section 20" in reply and segments(reply) <= MAX_SEGMENTS
        assert "Reply with a number:\n1 Tell me more\n2 What happens next?" in reply
        await h.text("2")
        assert h.bot.heard[-1][1] == "/nav_next"
        await h.text("one.")
        assert h.bot.heard[-1][1] == "/nav_more"
        assert len(h.sent()) == 3
    h = run(scenario)
    sent = h.fake.sent[0]
    assert sent.path == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert sent.sender == FROM_NUMBER and sent.auth == f"{ACCOUNT_SID}:{AUTH_TOKEN}"


def test_the_bot_sees_only_the_hash_and_neither_logs_nor_state_hold_the_number(run, tmp_path, caplog):
    async def scenario(h):
        with caplog.at_level(logging.DEBUG):
            await h.text("what is section 20")
            await h.text("STOP")
    h = run(scenario)
    assert {sender for sender, _ in h.bot.heard} == {h.hasher(NUMBER)}
    assert "7700900123" not in caplog.text and "section 20" not in caplog.text.lower()
    assert b"7700900123" not in (tmp_path / "sms.db").read_bytes()


def test_stop_confirms_once_then_nothing_until_start(run, renderer):
    stop_text = renderer.message("meta/sms-stop", Channel.SMS).text
    start_text = renderer.message("meta/sms-start", Channel.SMS).text

    async def scenario(h):
        await h.text("Stop")
        assert h.sent() == [stop_text]
        for body in ("what is section 20", "STOP", "HELP", "1", "i want to talk"):
            await h.text(body)
        assert h.sent() == [stop_text] and h.bot.heard == []
        await h.text("START")
        assert h.sent()[-1].startswith(start_text)
        await h.text("what is section 20")
        assert "Section 20" in h.sent()[-1] and len(h.sent()) == 3
    run(scenario)


def test_help_says_what_this_number_is_with_the_crisis_line(run, content):
    async def scenario(h):
        await h.text("help")
        [reply] = h.sent()
        assert content.services["samaritans"]["phone"] in reply
        assert content.services["emergency"]["phone"] in reply
        assert h.bot.heard == []
    run(scenario)


def test_menu_goes_to_the_menu_intent(run):
    async def scenario(h):
        await h.text("MENU")
        assert h.bot.heard[-1][1] == "/meta_what_can_you_do" and len(h.sent()) == 1
    run(scenario)


def test_delete_forgets_her_conversation_and_her_choices(run, renderer):
    async def scenario(h):
        await h.text("what is section 20")
        await h.text("DELETE")
        assert h.forgotten == [h.hasher(NUMBER)]
        assert h.sent()[-1].startswith(renderer.message("meta/forget-me", Channel.SMS).text)
        assert [c.payload for c in h.state.pending(h.hasher(NUMBER)).choices] != ["/nav_next"]
        # asked in words, through the bot: deleted too
        await h.text("delete my chat")
        assert len(h.forgotten) == 2
    run(scenario)


def test_when_deleting_fails_she_is_not_told_it_worked(run, renderer):
    async def scenario(h):
        h.forget_works = False
        await h.text("DELETE")
        assert h.sent()[-1].startswith(renderer.message("meta/error", Channel.SMS).text)
    run(scenario)


def test_the_same_message_delivered_twice_is_answered_once(run):
    async def scenario(h):
        assert await h.text("what is section 20", sid="SMsame") is True
        assert await h.text("what is section 20", sid="SMsame") is False
        assert len(h.sent()) == 1 and len(h.bot.heard) == 1
    run(scenario)


def test_gateway_down_then_back_delivers_the_reply_later(run):
    async def scenario(h):
        h.fake.down = True
        h.sms.receive(Inbound("SM1", NUMBER, "what is section 20"))
        await asyncio.sleep(0.5)
        assert h.sent() == [] and h.fake.attempts >= 2   # retried, bounded
        h.fake.down = False
        await h.sms.drain()                               # the background retry
        assert len(h.sent()) == 1 and "Section 20" in h.sent()[0]
    run(scenario, retry_delays=(0.5, 0.5))


def test_a_reply_still_undelivered_goes_out_first_when_she_texts_again(run):
    async def scenario(h):
        h.fake.down = True
        await h.text("what is section 20")
        assert h.sent() == []
        h.fake.down = False
        await h.text("MENU")
        assert len(h.sent()) == 2 and "Section 20" in h.sent()[0]
    run(scenario, retry_delays=(0.05,))


def test_two_servers_flushing_her_outbox_at_once_send_each_reply_once(run, renderer):
    """While nginx moves her back to a restarted server, the old one may still be
    sending her outbox when the new one, on her next text, sends it first."""
    async def scenario(h):
        other = SmsConversations(h.state, h.gateway, h.hasher, h.bot, h._forget, renderer)
        sender = h.hasher(NUMBER)
        h.state.queue(sender, "first reply")
        h.state.queue(sender, "second reply")
        await asyncio.gather(h.sms._flush(NUMBER, sender), other._flush(NUMBER, sender))
        assert sorted(h.sent()) == ["first reply", "second reply"]
        assert h.state.outbox(sender) == []
    run(scenario)


def test_a_reply_the_gateway_refused_for_now_is_kept_in_its_place(run):
    async def scenario(h):
        sender = h.hasher(NUMBER)
        h.fake.down = True
        h.state.queue(sender, "first reply")
        h.state.queue(sender, "second reply")
        await h.sms._flush(NUMBER, sender)
        assert h.sent() == [] and [o.body for o in h.state.outbox(sender)] == ["first reply", "second reply"]
        h.fake.down = False
        await h.sms._flush(NUMBER, sender)
        assert h.sent() == ["first reply", "second reply"]
    run(scenario, retry_delays=())


def test_a_long_answer_continues_after_more(run):
    async def scenario(h):
        await h.text("tell me everything")
        first = h.sent()[-1]
        assert first.endswith("Reply MORE for the rest.") and segments(first) <= MAX_SEGMENTS
        await h.text("MORE")
        second = h.sent()[-1]
        assert second.split()[0] == "This" and second != first and len(h.bot.heard) == 1
    run(scenario)


@pytest.mark.parametrize("body", ["9", "", "   "])
def test_an_unknown_number_or_nothing_gets_a_kind_reply(run, renderer, body):
    fallback = renderer.message("meta/fallback", Channel.SMS).text

    async def scenario(h):
        await h.text("what is section 20")
        await h.text(body)
        assert h.sent()[-1].startswith(fallback)
    run(scenario)


def test_when_the_bot_fails_she_gets_the_error_item(run, renderer):
    async def scenario(h):
        h.bot.broken = True
        await h.text("what is section 20")
        [reply] = h.sent()
        assert reply.startswith(renderer.message("meta/error", Channel.SMS).text)
    run(scenario)


@pytest.mark.parametrize("body", ["😭😭😭", "<script>alert(1)</script>", "{{ 7*7 }}", "x" * 50_000],
                         ids=["emoji", "markup", "template", "huge"])
def test_bad_input_gets_a_reply_within_three_segments(run, body):
    async def scenario(h):
        await h.text(body)
        [reply] = h.sent()
        assert segments(reply) <= MAX_SEGMENTS and "49" not in reply and "<script>" not in reply
        assert len(h.bot.heard[0][1]) <= 1600
    run(scenario)
