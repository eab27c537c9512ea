"""REST channel that puts each message's content id in the same JSON object as its text.

Rasa's stock REST channel sends custom JSON as a separate message, splits text at
blank lines, and logs what the person typed when something fails. This one sends
one object per content item, never logs message text, and never answers with
silence: if nothing was said (an action failed, the action server is down), it
adds the `meta/error` item.
"""
from __future__ import annotations

import json
import logging
from asyncio import CancelledError
from functools import partial
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import ids
from bot.channels import reminders as reminder_channel
from bot.channels.forget import delete_conversation
from bot.content import default_content
from bot.privacy.deletion import forget_after_turn
from bot.render import Channel, Renderer, to_wire

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000  # longer messages are cut: no question needs more, and NLU slows down


def reply_json(body: Any, status: int = 200) -> response.HTTPResponse:
    """JSON as people read it: "stage/icpc", not Sanic's default "stage\\/icpc"."""
    return response.json(body, status=status, dumps=partial(json.dumps, ensure_ascii=False))


def content_metadata(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The content id (and part) a message was sent with, from an action or the domain."""
    metadata = kwargs.get("metadata") or {}
    # `values`: worked-out facts as data (a deadline's ISO dates, for the 26-week clock).
    return {key: metadata[key] for key in ("content_id", "part", "values") if metadata.get(key)}


class ContentCollectingOutputChannel(CollectingOutputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._persist_message(to_wire(text, recipient_id=recipient_id, **content_metadata(kwargs)))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._persist_message(to_wire(text, buttons=buttons, recipient_id=recipient_id,
                                            **content_metadata(kwargs)))


def fallback_messages(recipient_id: str, content_id: str) -> list[dict[str, Any]]:
    return [Renderer(default_content()).message(content_id, Channel.WEB).to_wire(recipient_id)]


class ContentRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("content_rest_webhook", __name__)
        reminder_channel.check_settings()  # production without REMINDER_KEY stops here

        @webhook.listener("after_server_start")
        async def open_reminders(app, *_: Any) -> None:
            reminder_channel.for_app(app)  # so "delete my chat" deletes reminders from the start

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return reply_json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            try:
                body = request.json
            except Exception:  # malformed JSON
                body = None
            if not isinstance(body, dict) or not isinstance(body.get("sender", ""), str):
                return reply_json({"error": "send JSON like {\"sender\": \"id\", \"message\": \"text\"}"}, status=400)
            sender_id = body.get("sender") or "default"
            text = body.get("message")
            if not isinstance(text, str) or not text.strip():
                # Nothing to understand: say so kindly, without bothering the model.
                return reply_json(fallback_messages(sender_id, ids.FALLBACK))
            # Reminder requests, YES and her mobile number are answered here: the number
            # never reaches the bot or its tracker store (bot/reminders/dialogue.py).
            reminder_reply = reminder_channel.web_turn(request.app, sender_id, text[:MAX_MESSAGE_CHARS])
            if reminder_reply is not None:
                return reply_json(reminder_reply)
            collector = ContentCollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text[:MAX_MESSAGE_CHARS],
                        collector,
                        sender_id,
                        input_channel=body.get("input_channel") or self.name(),
                        metadata=self.get_metadata(request),
                    )
                )
            except CancelledError:
                logger.error("rest: message handling timed out")
            except Exception:
                logger.exception("rest: message handling failed")  # never the text itself
            messages = collector.messages or fallback_messages(sender_id, ids.ERROR)

            def delete(sender: str) -> bool:
                return delete_conversation(request.app.ctx.agent.tracker_store, sender)

            if await forget_after_turn(delete, sender_id, messages) is False:
                messages = fallback_messages(sender_id, ids.ERROR)  # never "deleted" when it was not
            return reply_json(messages)

        return webhook
