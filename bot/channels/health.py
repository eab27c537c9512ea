"""The operations channel: `GET /webhooks/health/`, and the elected retention purge.

credentials.yml names it like the other channels, which is how Rasa 3.6 lets a
project run code at server start. It carries no conversation.

- `GET /webhooks/health/`: 200 `{"status": "ok", ...}` while the retention purge is
  healthy, 503 `{"status": "failing", ...}` when its latest run failed or no run has
  succeeded for two periods, whoever runs it (`make purge`, the CronJob, a server).
  Times and counts only: no sender, no text.
- At server start (when the tracker store is the project's SQL store and
  PURGE_IN_SERVER is not `off`), this server joins the election for the purge: it
  looks every few minutes, and runs the purge only when it claims the period's run
  (bot/privacy/purge_runs.py), so a region runs it once however many servers it has.
  On Kubernetes the CronJob runs it instead (PURGE_IN_SERVER=off in the ConfigMap).
"""
from __future__ import annotations

import logging
import os
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot import rasa_patches
from bot.channels.private_store import PrivateSQLTrackerStore
from bot.privacy import purge_runs

logger = logging.getLogger(__name__)


def purge_in_server(env=os.environ) -> bool:
    return env.get("PURGE_IN_SERVER", "on").strip().lower() not in {"0", "off", "false", "no"}


def private_store(app) -> Optional[PrivateSQLTrackerStore]:
    agent = getattr(app.ctx, "agent", None)
    store = rasa_patches.innermost_store(agent.tracker_store) if agent is not None else None
    return store if isinstance(store, PrivateSQLTrackerStore) else None


def report(app) -> tuple[dict[str, Any], int]:
    store = private_store(app)
    if store is None:
        purge = {"healthy": True, "state": "not-configured"}  # Rasa's own store keeps everything
    else:
        purge = purge_runs.status(store.engine)
    healthy = purge["healthy"]
    return {"status": "ok" if healthy else "failing", "purge": purge}, 200 if healthy else 503


class HealthInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "health"

    def __init__(self) -> None:
        self.schedule: Optional[purge_runs.PurgeSchedule] = None

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> "HealthInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("health_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            body, status = report(request.app)
            return response.json(body, status=status)

        @webhook.listener("after_server_start")
        async def start_purge(app, *_: Any) -> None:
            store = private_store(app)
            if store is None or not purge_in_server():
                logger.info("purge: not run by this server (%s)",
                            "PURGE_IN_SERVER=off" if store is not None else "not the project's SQL store")
                return
            self.schedule = purge_runs.PurgeSchedule(store.engine).start()

        @webhook.listener("before_server_stop")
        async def stop_purge(*_: Any) -> None:
            if self.schedule is not None:
                await self.schedule.stop()
                self.schedule = None

        return webhook
