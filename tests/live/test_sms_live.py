"""The real Rasa server and action server with the SMS channel and a fake gateway on loopback.

Signed webhooks go in as a Twilio-compatible gateway sends them; the texts the bot
sends come back out through the fake gateway's REST API, where they are checked.
"""
from __future__ import annotations

import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from itertools import count

import pytest

from bot.render import Channel
from bot.sms.sender_id import SenderHasher
from bot.sms.segments import segments
from tests.fake_sms_gateway import FakeGateway, signed
from tests.live.servers import Servers

pytestmark = pytest.mark.live

HASH_KEY = "live-test-sender-hash-key"
RASA_PORT, ACTIONS_PORT = 15105, 15155
WEBHOOK = f"http://127.0.0.1:{RASA_PORT}/webhooks/sms/webhook"
_sids = count(1)


@pytest.fixture(scope="module")
def gateway():
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, gateway):
    workdir = tmp_path_factory.mktemp("sms-live")
    env = {**gateway.env, "SENDER_HASH_KEY": HASH_KEY, "SMS_STATE_DB": str(workdir / "sms.db")}
    with Servers(workdir, rasa_port=RASA_PORT, actions_port=ACTIONS_PORT, env=env).running() as running:
        yield running


def text(number: str, body: str, sid: str | None = None, signature: str | None = None) -> tuple[int, str, str]:
    """Post one inbound text as the gateway would. Returns (status, content type, body)."""
    form = {"From": number, "To": "+447700900001", "Body": body, "MessageSid": sid or f"SMlive{next(_sids):026d}",
            "AccountSid": "ACtest0000000000000000000000000000"}
    headers = signed(WEBHOOK, form)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
        if not signature:
            del headers["X-Twilio-Signature"]
    request = urllib.request.Request(WEBHOOK, data=urllib.parse.urlencode(form).encode(), headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers.get("Content-Type", ""), reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def sms_text(renderer, content_id: str) -> str:
    return renderer.message(content_id, Channel.SMS).text


def test_a_signed_question_gets_one_reply_about_section_20_within_three_segments(servers, gateway, renderer):
    number = "+447700900101"
    started = time.monotonic()
    status, content_type, body = text(number, "what is section 20")
    assert status == 200 and "text/xml" in content_type and "<Response/>" in body
    assert time.monotonic() - started < 5          # answered before the bot's work
    [reply] = gateway.wait_for(number, 1)
    assert reply.startswith(sms_text(renderer, "stage/section-20")[:60])
    assert segments(reply) <= 3 and "Reply with a number:\n1 " in reply


def test_numbered_choices_walk_through_the_stages(servers, gateway, renderer, content):
    number = "+447700900102"
    text(number, "what is section 20")
    gateway.wait_for(number, 1)
    following = content.item("stage/section-20").next[0]
    text(number, "2")                               # 2 What happens next?
    replies = gateway.wait_for(number, 2)
    assert replies[1].startswith(sms_text(renderer, following)[:60])
    text(number, "go back")
    replies = gateway.wait_for(number, 3)
    assert replies[2].startswith(sms_text(renderer, "stage/section-20")[:60])
    assert all(segments(r) <= 3 for r in replies)


def test_a_bad_or_missing_signature_gets_403_and_no_reply(servers, gateway):
    number = "+447700900103"
    assert text(number, "what is section 20", signature="bm90IGEgc2lnbmF0dXJl")[0] == 403
    assert text(number, "what is section 20", signature="")[0] == 403
    time.sleep(3)
    assert gateway.to(number) == []
    assert number[1:] not in (servers.logs["rasa"]).read_text(errors="replace")


def test_after_stop_nothing_more_is_sent_until_start(servers, gateway, renderer):
    number, other = "+447700900104", "+447700900105"
    text(number, "what is section 20")
    gateway.wait_for(number, 1)
    text(number, "STOP")
    replies = gateway.wait_for(number, 2)
    assert replies[1] == sms_text(renderer, "meta/sms-stop")
    for body in ("what is section 20", "HELP", "STOP", "1"):
        assert text(number, body)[0] == 200
    text(other, "what is section 20")               # the server is busy with others meanwhile
    gateway.wait_for(other, 1)
    time.sleep(2)
    assert len(gateway.to(number)) == 2
    text(number, "START")
    assert gateway.wait_for(number, 3)[2].startswith(sms_text(renderer, "meta/sms-start"))
    text(number, "help")
    assert gateway.wait_for(number, 4)[3].startswith(sms_text(renderer, "meta/sms-help"))


def test_the_same_message_delivered_twice_is_answered_once(servers, gateway):
    number = "+447700900106"
    assert text(number, "what is section 20", sid="SMduplicate")[0] == 200
    assert text(number, "what is section 20", sid="SMduplicate")[0] == 200
    gateway.wait_for(number, 1)
    time.sleep(3)
    assert len(gateway.to(number)) == 1


def test_gateway_down_then_back_loses_nothing(servers, gateway, renderer):
    number = "+447700900107"
    gateway.down = True
    try:
        before = gateway.attempts
        text(number, "what is section 20")
        deadline = time.monotonic() + 30
        while gateway.attempts < before + 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert gateway.attempts >= before + 3 and gateway.to(number) == []
    finally:
        gateway.down = False
    text(number, "MENU")
    replies = gateway.wait_for(number, 2)
    assert replies[0].startswith(sms_text(renderer, "stage/section-20")[:60])
    assert replies[1].startswith(sms_text(renderer, "meta/what-can-you-do")[:60])


def test_delete_forgets_the_conversation_which_is_kept_under_a_hash(servers, gateway, renderer):
    number = "+447700900108"
    sender = SenderHasher(HASH_KEY)(number)
    text(number, "what is section 20")
    gateway.wait_for(number, 1)
    with sqlite3.connect(servers.db) as db:
        assert db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0] > 0
        assert db.execute("select count(*) from events where sender_id like '%7700900108%'").fetchone()[0] == 0
    text(number, "DELETE")
    assert gateway.wait_for(number, 2)[1].startswith(sms_text(renderer, "meta/forget-me"))
    with sqlite3.connect(servers.db) as db:
        assert db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0] == 0
    assert "7700900108" not in servers.logs["rasa"].read_text(errors="replace")
