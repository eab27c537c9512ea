"""Send a text through a Twilio-compatible gateway's REST API.

`POST {SMS_GATEWAY_URL}/2010-04-01/Accounts/{SMS_ACCOUNT_SID}/Messages.json` with
`To`, `From`, `Body` and basic auth (account id, `SMS_AUTH_TOKEN`). Each attempt has
a timeout; network errors, 429 and 5xx are retried a bounded number of times with
growing pauses. Neither the number nor the text is ever logged.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

import aiohttp
from aiohttp_retry import ExponentialRetry, RetryClient

logger = logging.getLogger(__name__)

# Defaults for a local run against a fake gateway; real use sets all four.
DEFAULTS = {
    "SMS_GATEWAY_URL": "http://127.0.0.1:8089",
    "SMS_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "SMS_AUTH_TOKEN": "dev-only-sms-auth-token",
    "SMS_FROM_NUMBER": "+447700900000",   # Ofcom's range kept for drama: never a real phone
}
RETRY_STATUSES = {429, 500, 502, 503, 504}


class GatewayError(Exception):
    """The text was not accepted. `permanent`: retrying will not help (a 4xx)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class GatewayConfig:
    url: str
    account_sid: str
    auth_token: str
    from_number: str

    @classmethod
    def from_env(cls) -> "GatewayConfig":
        values = {name: os.environ.get(name) or default for name, default in DEFAULTS.items()}
        if not os.environ.get("SMS_AUTH_TOKEN"):
            logger.warning("SMS_AUTH_TOKEN is not set: using the development token (local runs only)")
        return cls(values["SMS_GATEWAY_URL"].rstrip("/"), values["SMS_ACCOUNT_SID"],
                   values["SMS_AUTH_TOKEN"], values["SMS_FROM_NUMBER"])

    @property
    def messages_url(self) -> str:
        return f"{self.url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"


class SmsGateway:
    def __init__(self, config: GatewayConfig, attempts: int = 3, first_pause: float = 0.5,
                 max_pause: float = 4.0, timeout: float = 10.0):
        self.config = config
        self._retry = ExponentialRetry(
            attempts=attempts, start_timeout=first_pause, max_timeout=max_pause,
            statuses=RETRY_STATUSES, exceptions={aiohttp.ClientError, asyncio.TimeoutError},
        )
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))
        self._client: RetryClient | None = None

    def _session(self) -> RetryClient:
        # Created on first use, inside the server's running event loop.
        if self._client is None:
            self._client = RetryClient(
                retry_options=self._retry, raise_for_status=False,
                client_session=aiohttp.ClientSession(
                    timeout=self._timeout,
                    auth=aiohttp.BasicAuth(self.config.account_sid, self.config.auth_token),
                ),
            )
        return self._client

    async def send(self, to: str, body: str) -> None:
        """Send one text or raise GatewayError."""
        data = {"To": to, "From": self.config.from_number, "Body": body}
        try:
            async with self._session().post(self.config.messages_url, data=data) as reply:
                status = reply.status
                await reply.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise GatewayError(f"gateway unreachable ({type(error).__name__})") from None
        if 200 <= status < 300:
            return
        raise GatewayError(f"gateway answered HTTP {status}", permanent=status not in RETRY_STATUSES)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
