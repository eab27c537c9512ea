"""A Sanic app on loopback with the project's channels registered the way Rasa does
(`rasa.core.channels.channel.register`), its start and stop listeners run, and a
stand-in agent: for tests that need the HTTP side of a channel without a model."""
from __future__ import annotations

import asyncio
import itertools
import socket
from contextlib import asynccontextmanager
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels import channel as rasa_channel
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from sanic import Sanic

_names = itertools.count()

Reply = Callable[[str], list[dict[str, Any]]]


class StandInAgent:
    """Saves each turn to the real tracker store and answers with content ids, as the
    Rasa agent would (a turn is saved before the channel sees the reply)."""

    def __init__(self, store, reply: Reply):
        self.tracker_store = FailSafeTrackerStore(store)   # as Agent wraps it
        self.reply = reply

    async def handle_message(self, message) -> None:
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, {"name": "any", "confidence": 1.0}))
        answers = self.reply(message.text)
        for answer in answers:
            tracker.update(ActionExecuted("utter_answer"))
            tracker.update(BotUttered(answer["text"], {}, {"metadata": {"content_id": answer["content_id"]}}))
        tracker.update(ActionExecuted("action_listen"))
        await self.tracker_store.save(tracker)
        for answer in answers:
            await message.output_channel.send_text_message(
                message.sender_id, answer["text"], metadata={"content_id": answer["content_id"]})


def free_port() -> int:
    with socket.socket() as probe:  # Sanic 21.12 takes port 0 to mean 8000
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def serving(channels: list, agent: Optional[Any] = None):
    """Yields the base URL; the listeners Rasa's server runs are run too."""
    Sanic.test_mode = True  # Sanic's own switch for several apps in one process
    app = Sanic(f"test_app_{next(_names)}")
    app.ctx.agent = agent
    rasa_channel.register(channels, app, route="/webhooks/")
    server = await app.create_server(host="127.0.0.1", port=free_port(), return_asyncio_server=True,
                                     access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        await server.before_stop()
        server.close()
        await server.wait_closed()
        await server.after_stop()


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 10.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result or asyncio.get_running_loop().time() > deadline:
            return bool(result)
        await asyncio.sleep(0.05)
