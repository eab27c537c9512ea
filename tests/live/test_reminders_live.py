"""Reminders with the real Rasa server: opt in by text, then `python -m bot.reminders send`.

Small on purpose; every path is covered without a model in tests/test_reminders_*.py.
"""
from __future__ import annotations

import subprocess
import sys
import urllib.parse
import urllib.request
from datetime import date, timedelta
from itertools import count

import pytest

from bot.dates import MONTHS
from tests.fake_sms_gateway import FakeGateway, signed
from tests.live.servers import ROOT, Servers

pytestmark = pytest.mark.live

RASA_PORT, ACTIONS_PORT = 15205, 15255
WEBHOOK = f"http://127.0.0.1:{RASA_PORT}/webhooks/sms/webhook"
NUMBER = "+447700900321"
ENV = {"SENDER_HASH_KEY": "live-reminders-hash-key", "REMINDER_KEY": "pvV6cCnm2Wg0wqWlGuxXFqsYFxw2qhxVdoTL3Zp8xPI="}
_sids = count(1)


def text(body: str) -> None:
    form = {"From": NUMBER, "To": "+447700900001", "Body": body, "MessageSid": f"SMrem{next(_sids):027d}"}
    request = urllib.request.Request(WEBHOOK, data=urllib.parse.urlencode(form).encode(), headers=signed(WEBHOOK, form))
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200


def test_opt_in_by_text_and_the_command_sends_one_discreet_reminder(tmp_path):
    gateway = FakeGateway().start()
    day = date.today() + timedelta(days=20)
    env = {**gateway.env, **ENV, "SMS_STATE_DB": str(tmp_path / "sms.db")}
    try:
        with Servers(tmp_path, rasa_port=RASA_PORT, actions_port=ACTIONS_PORT, env=env).running() as servers:
            text(f"remind me about my conference on {day.day} {MONTHS[day.month - 1]} at 10am")
            assert "Reply YES" in gateway.wait_for(NUMBER, 1)[0]
            text("YES")
            assert gateway.wait_for(NUMBER, 2)[1].startswith("Done.")
            [asked] = servers.say("web-live", f"remind me about my hearing on {day.day} {MONTHS[day.month - 1]} at 2pm")
            assert asked["content_id"] == "meta/reminder-number"
            evening = (day - timedelta(days=1)).isoformat() + "T17:00"
            command = subprocess.run(
                [sys.executable, "-m", "bot.reminders", "send", "--now", evening,
                 "--endpoints", str(tmp_path / "endpoints.yml")],
                cwd=ROOT, env={**servers._env(), **env}, capture_output=True, text=True, timeout=120)
            assert command.returncode == 0, command.stderr
            assert "1 sent" in command.stdout
            texts = gateway.wait_for(NUMBER, 3)
            assert texts[2] == "Just a reminder: your meeting is tomorrow at 10am. Reply INFO for the details."
        for path in tmp_path.iterdir():
            if path.is_file():
                assert b"7700900321" not in path.read_bytes(), path.name
    finally:
        gateway.stop()
