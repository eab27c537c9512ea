"""`make run` keeps serving when a process dies (issue 14): the crisis answer never
waits for the action server, and a killed action server is back within 30 seconds."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bot.rasa_files import NLG_ENDPOINT
from tests.live.servers import ROOT

RASA_PORT, ACTIONS_PORT, WEB_PORT = 15205, 15255, 18280


def _say(sender: str, message: str) -> list[dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook",
                                     data=json.dumps({"sender": sender, "message": message}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


def _up(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).read()
        return True
    except OSError:
        return False


def _wait(url: str, seconds: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if _up(url):
            return time.monotonic() - start
        time.sleep(0.5)
    return None


@pytest.fixture()
def make_run(tmp_path: Path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{ACTIONS_PORT}/webhook"\n{NLG_ENDPOINT}')
    env = {**os.environ, "RASA_PORT": str(RASA_PORT), "ACTIONS_PORT": str(ACTIONS_PORT), "WEB_PORT": str(WEB_PORT),
           "RASA_ENDPOINTS": str(endpoints), "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait(f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/", 240) is not None, "Rasa did not start"
        assert _wait(f"http://127.0.0.1:{ACTIONS_PORT}/health", 120) is not None, "actions did not start"
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_crisis_words_are_answered_while_the_action_server_is_dead_and_it_comes_back(make_run):
    actions_pid = int((ROOT / "var" / "actions.pid").read_text())
    os.kill(actions_pid, signal.SIGKILL)
    time.sleep(0.5)
    assert not _up(f"http://127.0.0.1:{ACTIONS_PORT}/health")
    reply = _say("supervisor-test", "i want to kill myself")
    assert "safety/crisis" in [m.get("content_id") for m in reply]
    back = _wait(f"http://127.0.0.1:{ACTIONS_PORT}/health", 30)
    assert back is not None, "the action server was not back within 30 s"
    reply = _say("supervisor-test-2", "what is a child protection conference")
    assert "stage/icpc" in [m.get("content_id") for m in reply]
