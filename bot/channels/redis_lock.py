"""A Redis lock store for several Rasa servers that survives one of them dying.

Rasa keeps one turn of a conversation at a time with "tickets" in Redis. Its own
Redis lock store has three faults that show up when a server is killed mid-turn:
- the dead server's ticket blocks the conversation until it expires (60 s);
- a waiter whose own ticket expired while it waited never gets the lock (it waits
  until the client gives up: seen here as a 60 s hang after a failover);
- tickets are read, changed and written back without a transaction, so two servers
  can overwrite each other's tickets (the race noted in shared/rasa-notes.md).

Here each ticket names the server that holds it, and each server keeps an
"alive" key in Redis fresh from a thread of its own (so a busy event loop does not
count as dead). A ticket of a server whose alive key has lapsed is ignored: after a
crash, the conversation moves on within `alive_seconds`. Tickets are changed inside a
Redis transaction (WATCH/MULTI), and a waiter goes ahead as soon as no live ticket
is in front of it.

endpoints.cluster.yml:
  lock_store: {type: bot.channels.redis_lock.HeartbeatRedisLockStore, url: ..., port: ...,
               password: ..., db: ..., key_prefix: carebot, alive_seconds: 3}
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Callable, Optional

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

logger = logging.getLogger(__name__)

TRANSACTION_TRIES = 50
FIRST_POLL, LONGEST_POLL = 0.02, 0.2


class HeartbeatRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config=None, alive_seconds: float = 3.0, **kwargs: Any):
        if endpoint_config is not None:  # how Rasa builds a lock store named by module path
            kwargs = {**endpoint_config.kwargs, **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
            alive_seconds = float(kwargs.pop("alive_seconds", alive_seconds))
        super().__init__(**kwargs)
        self.alive_seconds = float(alive_seconds)
        self.instance = uuid.uuid4().hex
        self._stop = threading.Event()
        self._beat_once()  # a wrong address or password stops the start, not the first turn
        self._beats = threading.Thread(target=self._beat, name="lock-heartbeat", daemon=True)
        self._beats.start()

    # ---------------------------------------------------------------- liveness
    def _alive_key(self, instance: str) -> str:
        return f"{self.key_prefix.rsplit('lock:', 1)[0]}alive:{instance}"

    def _beat_once(self) -> None:
        self.red.set(self._alive_key(self.instance), "1", px=int(self.alive_seconds * 1000))

    def _beat(self) -> None:
        failing = False
        while not self._stop.wait(self.alive_seconds / 4):
            try:
                self._beat_once()
                failing = False
            except redis.RedisError as error:
                if not failing:
                    logger.warning("lock store: cannot reach Redis (%s); tickets of this server may lapse",
                                   type(error).__name__)
                failing = True

    def close(self) -> None:
        self._stop.set()

    def _live(self, tickets: list[dict]) -> list[dict]:
        now = time.time()
        owners = {t.get("owner") for t in tickets} - {self.instance}
        alive = {self.instance} | {o for o in owners if o and self.red.exists(self._alive_key(o))}
        return [t for t in tickets if t.get("expires", 0) > now and t.get("owner") in alive]

    # ---------------------------------------------------------------- tickets in Redis
    @staticmethod
    def _parse(raw: Optional[bytes]) -> list[dict]:
        if not raw:
            return []
        try:
            tickets = json.loads(raw).get("tickets", [])
        except (ValueError, AttributeError):
            return []  # a lock written by Rasa's own store: its tickets are not ours
        return [t for t in tickets if isinstance(t, dict) and "number" in t]

    def _update(self, conversation_id: str, change: Callable[[list[dict]], list[dict]]) -> list[dict]:
        """Read, change and write the tickets in one transaction; tried again on a clash."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(TRANSACTION_TRIES):
                try:
                    pipe.watch(key)
                    tickets = change(self._live(self._parse(pipe.get(key))))
                    pipe.multi()
                    if tickets:
                        newest = max(t["expires"] for t in tickets)
                        pipe.set(key, json.dumps({"conversation_id": conversation_id, "tickets": tickets}),
                                 px=max(1, int((newest - time.time()) * 1000)) + 1000)
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return tickets
                except redis.WatchError:
                    continue
        raise LockError(f"the lock of a conversation changed {TRANSACTION_TRIES} times in a row")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: dict = {}

        def add(tickets: list[dict]) -> list[dict]:
            number = max((t["number"] for t in tickets), default=-1) + 1
            issued.update(number=number, expires=time.time() + lock_lifetime, owner=self.instance)
            return tickets + [dict(issued)]
        try:
            self._update(conversation_id, add)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return issued["number"]

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        tickets = self._live(self._parse(self.red.get(self.key_prefix + conversation_id)))
        if not tickets:
            return None
        return TicketLock(conversation_id, [Ticket(t["number"], t["expires"]) for t in tickets])

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        try:
            self._update(conversation_id, lambda tickets: [
                t for t in tickets if not (t["number"] == ticket_number and t["owner"] == self.instance)])
        except (redis.RedisError, LockError) as error:
            # The ticket then lapses by itself (its expiry, or this server's heartbeat).
            logger.warning("lock store: could not hand the lock back (%s)", type(error).__name__)

    # ---------------------------------------------------------------- the lock
    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        deadline = time.monotonic() + LOCK_LIFETIME
        pause = FIRST_POLL
        while time.monotonic() < deadline:
            tickets = self._live(self._parse(self.red.get(self.key_prefix + conversation_id)))
            ahead = [t for t in tickets if t["number"] < ticket]
            if not ahead:
                return TicketLock(conversation_id, [Ticket(t["number"], t["expires"]) for t in tickets])
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_POLL)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            self.cleanup(conversation_id, ticket)
