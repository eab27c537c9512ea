"""SMS channel for Twilio-compatible gateways: `POST /webhooks/sms/webhook`.

Unlike Rasa's built-in Twilio channel, this one checks `X-Twilio-Signature` (403
otherwise), answers the webhook at once with empty TwiML and replies in the
background through the gateway's REST API, never crashes on a missing field, and
never sees the phone number past the webhook: the conversation is kept under a
keyed hash of it. Everything else (keywords, numbered choices, segments, STOP,
retries) lives in the Rasa-free `bot.sms` package.

Configured only from the environment (see docs/sms.md): SMS_GATEWAY_URL,
SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, SMS_FROM_NUMBER, SENDER_HASH_KEY, SMS_STATE_DB,
SMS_PUBLIC_URL. With BOT_ENV=production (or a gateway off this machine) it refuses to
start on the development token or hashing key (bot/sms/production.py).

At server start it opens its records (SMS_STATE_DB; `tracker` shares the tracker
store's database between servers) and registers them with the deletion path and
the retention purge, so a deletion from any channel and every purge clear them too.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from twilio.request_validator import RequestValidator

from bot import rasa_patches
from bot.channels import reminders as reminder_channel
from bot.channels.forget import delete_conversation
from bot.channels.rest import ContentCollectingOutputChannel
from bot.privacy.deletion import on_forget
from bot.privacy.purge_runs import on_purge
from bot.sms.conversation import Inbound, SmsConversations
from bot.sms.gateway import GatewayConfig, SmsGateway
from bot.sms.production import refuse_development_secrets
from bot.sms.sender_id import SenderHasher
from bot.sms.state import SmsState

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
TURN_TIMEOUT = 50.0   # below Rasa's 60 s conversation lock


class SmsOutput(ContentCollectingOutputChannel):
    """Collects the turn's messages with their content ids; named "sms" so the
    domain's `channel: sms` variations and the actions' SMS renderings are used."""

    @classmethod
    def name(cls) -> str:
        return "sms"


class SmsInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "SmsInput":
        if credentials:
            logger.warning("sms: settings in credentials.yml are ignored; use environment variables")
        refuse_development_secrets()
        return cls(GatewayConfig.from_env(), os.environ.get("SMS_PUBLIC_URL") or None)

    def __init__(self, gateway: GatewayConfig, public_url: str | None = None):
        self.gateway_config = gateway
        self.public_url = public_url
        self.validator = RequestValidator(gateway.auth_token)
        self.conversations: SmsConversations | None = None

    def _conversations(self, app, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> SmsConversations:
        if self.conversations is None:
            async def ask_bot(sender: str, text: str) -> list[dict[str, Any]]:
                collector = SmsOutput()
                try:
                    await asyncio.wait_for(
                        on_new_message(UserMessage(text, collector, sender, input_channel=self.name())),
                        TURN_TIMEOUT,
                    )
                except asyncio.TimeoutError:
                    logger.error("sms: the bot took too long")
                return collector.messages

            def forget(sender: str) -> bool:
                return delete_conversation(app.ctx.agent.tracker_store, sender)

            store = rasa_patches.innermost_store(app.ctx.agent.tracker_store)
            state = SmsState.from_env(getattr(store, "engine", None))
            on_forget(state.forget)  # a deletion from any channel clears SMS records too
            on_purge(state.expire_idle)  # and so does the retention purge
            self.conversations = SmsConversations(
                state, SmsGateway(self.gateway_config), SenderHasher.from_env(), ask_bot, forget,
                reminders=reminder_channel.for_app(app).dialogue)
        return self.conversations

    def signed_url(self, request: Request) -> str:
        """The URL the gateway signed: the public one when a proxy sits in front."""
        if self.public_url:
            query = request.query_string
            return self.public_url + (f"?{query}" if query and "?" not in self.public_url else "")
        return request.url

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("sms_webhook", __name__)
        reminder_channel.check_settings()  # production without REMINDER_KEY stops here

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> response.HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> response.HTTPResponse:
            form = request.form or {}
            signature = request.headers.get("X-Twilio-Signature", "")
            if not signature or not self.validator.validate(self.signed_url(request), form, signature):
                logger.warning("sms: refused a request with a %s signature",
                               "wrong" if signature else "missing")  # never the number
                return response.text("forbidden", status=403)
            number, sid = form.get("From") or "", form.get("MessageSid") or ""
            if not number:
                logger.warning("sms: signed request without a sender; nothing to answer")
            else:
                conversations = self._conversations(request.app, on_new_message)
                conversations.receive(Inbound(sid, number, form.get("Body") or ""))
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @webhook.listener("after_server_start")
        async def open_records(app, *_: Any) -> None:
            self._conversations(app, on_new_message)

        @webhook.listener("after_server_start")
        async def send_reminders(app, *_: Any) -> None:
            # Once per server: what is due goes out every minute, one server at a time.
            conversations = self._conversations(app, on_new_message)
            reminder_channel.start_sender(app, conversations.gateway, conversations.state.is_stopped)

        @webhook.listener("before_server_stop")
        async def stop_reminders(app, *_: Any) -> None:
            await reminder_channel.stop_sender(app)

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            if self.conversations is not None:
                await self.conversations.gateway.close()
                self.conversations.state.close()

        return webhook
