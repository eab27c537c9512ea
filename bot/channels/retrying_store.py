"""The privacy tracker store for several servers on PostgreSQL: a database restart
costs a short wait, not the conversation.

Rasa wraps every tracker store in `FailSafeTrackerStore`, which on a database error
answers from an empty conversation and saves it in memory: she would get a reply
that forgot her stage and dates, and the turn would be lost. Here a read or a save
that fails because the database is unreachable is tried again, with growing pauses,
for up to `retry_seconds` (the time a PostgreSQL restart or failover takes), before
the error is let through. A save that clashed with another server's save (two
servers adding the same day's usage row at once) is tried again too.

endpoints.cluster.yml:
  tracker_store: {type: bot.channels.retrying_store.RetryingPrivateSQLTrackerStore,
                  dialect: postgresql, url: ..., port: ..., db: ..., username: ..., password: ...,
                  retry_seconds: 20}
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Optional, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from bot import rasa_patches
from bot.channels.private_store import PrivateSQLTrackerStore

logger = logging.getLogger(__name__)

T = TypeVar("T")
FIRST_PAUSE = 0.2
LONGEST_PAUSE = 2.0


def worth_another_try(error: Exception, saving: bool) -> bool:
    """A lost or refused connection; or, for a save, a clash with another server's save
    of the same day's usage counts (both inserted the row: the whole transaction was
    rolled back, so doing it again is safe)."""
    return (isinstance(error, OperationalError)
            or (isinstance(error, DBAPIError) and bool(error.connection_invalidated))
            or (saving and isinstance(error, IntegrityError)))


class RetryingPrivateSQLTrackerStore(PrivateSQLTrackerStore):
    def __init__(self, domain=None, event_broker=None, retry_seconds: float = 20.0, **kwargs: Any):
        super().__init__(domain=domain, event_broker=event_broker, **kwargs)
        self.retry_seconds = float(retry_seconds)
        # A pooled connection that died with the database is found before it is used.
        rasa_patches.use_pre_ping(self)

    async def _retrying(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        deadline = time.monotonic() + self.retry_seconds
        pause = FIRST_PAUSE
        while True:
            try:
                return await call()
            except Exception as error:
                if not worth_another_try(error, what == "a save") or time.monotonic() + pause > deadline:
                    raise
                # The error names the database host, never a sender or her words.
                logger.warning("tracker store: %s failed (%s); trying again in %.1f s",
                               what, type(error).__name__, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)

    async def retrieve(self, sender_id: str):
        return await self._retrying("a read", lambda: super(RetryingPrivateSQLTrackerStore, self).retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: str):
        return await self._retrying(
            "a read", lambda: super(RetryingPrivateSQLTrackerStore, self).retrieve_full_tracker(sender_id))

    async def save(self, tracker) -> None:
        await self._retrying("a save", lambda: super(RetryingPrivateSQLTrackerStore, self).save(tracker))

    async def keys(self) -> Optional[Any]:
        return await self._retrying("a listing", lambda: super(RetryingPrivateSQLTrackerStore, self).keys())
