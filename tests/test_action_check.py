"""Action replies are still checked against Rasa's schema, with the schema built once,
and Rasa's own RemoteAction.run really goes through that check.

The spy test drives RemoteAction.run against an action server on loopback, so it
fails if a Rasa upgrade stops calling the patched method (the patch would then be
silently unused), or if Rasa's own slow path were still taken."""
from __future__ import annotations

import asyncio

import jsonschema
import pytest
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import bot.channels  # noqa: F401  (installs the patches, as Rasa's start does)
from bot import rasa_patches

DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  stage: {type: text, influence_conversation: false, mappings: [{type: custom}]}
""")
GOOD = {"events": [{"event": "slot", "name": "stage", "value": "stage/icpc"}],
        "responses": [{"text": "hello", "metadata": {"content_id": "meta/greet"}}]}
BAD = {"events": "not a list", "responses": []}


async def run_against(reply: dict) -> list:
    """RemoteAction.run, unchanged Rasa code, against a real HTTP action server."""
    async def webhook(_: web.Request) -> web.Response:
        return web.json_response(reply)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        action = RemoteAction("action_answer", EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        tracker = DialogueStateTracker.from_events("spy", [], slots=DOMAIN.slots)
        return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, DOMAIN)
    finally:
        await runner.cleanup()


@pytest.fixture
def spy(monkeypatch):
    """Every reply the cached validator checks; Rasa's per-reply schema check forbidden."""
    checked = []
    cached = rasa_patches._validator()

    class Spy:
        def validate(self, result):
            checked.append(result)
            return cached.validate(result)

    monkeypatch.setattr(rasa_patches, "_validator", lambda: Spy())

    def rasas_own_path(*_, **__):
        raise AssertionError("Rasa's jsonschema.validate ran: the patch is not in use")

    monkeypatch.setattr(jsonschema, "validate", rasas_own_path)
    return checked


def test_rasas_remote_action_run_checks_replies_with_the_cached_validator(spy):
    events = asyncio.run(run_against(GOOD))
    assert spy == [GOOD]
    said = [e for e in events if isinstance(e, BotUttered)]
    assert [e.text for e in said] == ["hello"] and said[0].metadata == {"metadata": {"content_id": "meta/greet"}}
    assert SlotSet("stage", "stage/icpc") in events


def test_a_bad_reply_from_the_action_server_is_refused_with_rasas_hint(spy):
    with pytest.raises(ValidationError) as refused:
        asyncio.run(run_against(BAD))
    assert spy == [BAD]
    assert "Failed to validate Action server response" in refused.value.message
    assert "/custom-actions" in refused.value.message


def test_the_validator_is_built_once():
    assert rasa_patches._validator() is rasa_patches._validator()
