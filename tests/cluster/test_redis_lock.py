"""The lock store several Rasa servers share (bot/channels/redis_lock.py), against a real
Redis on loopback (started here; skipped where Redis is not installed: `make test-cluster`
installs it). Two stores stand for two servers; a "dead" server is one whose alive key
has lapsed, as after SIGKILL."""
from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time

import pytest

from bot.channels.redis_lock import HeartbeatRedisLockStore

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="Redis is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory):
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                               "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def servers(redis_port):
    made = [HeartbeatRedisLockStore(host="127.0.0.1", port=redis_port, key_prefix="t", alive_seconds=0.6)
            for _ in range(2)]
    yield made
    for store in made:
        store.close()


def die(store: HeartbeatRedisLockStore) -> None:
    """What SIGKILL does to a server: its heartbeat stops; its tickets stay in Redis."""
    store.close()
    store._beats.join(timeout=2)


async def timed_lock(store, conversation: str) -> float:
    started = time.monotonic()
    async with store.lock(conversation):
        return time.monotonic() - started


def test_a_dead_servers_ticket_holds_the_conversation_only_briefly(servers):
    a, b = servers
    a.issue_ticket("c1")      # a was mid-turn when it died
    die(a)
    waited = asyncio.run(asyncio.wait_for(timed_lock(b, "c1"), timeout=10))
    assert waited < 2.0       # alive_seconds (0.6) plus polling, not Rasa's 60 s


def test_a_waiter_whose_own_ticket_lapsed_still_gets_the_lock(servers):
    """Rasa's own store never lets such a waiter in; here it goes ahead once nobody is in front."""
    a, b = servers
    a.issue_ticket("c2", lock_lifetime=0.3)
    die(a)
    mine = b.issue_ticket("c2", lock_lifetime=0.3)
    time.sleep(0.5)           # both tickets have expired by now
    lock = asyncio.run(asyncio.wait_for(b._acquire_lock("c2", mine, 1), timeout=5))
    assert lock is not None
    b.cleanup("c2", mine)


def test_turns_of_one_conversation_take_turns_in_order(servers):
    a, b = servers
    order: list[str] = []

    async def turn(store, name: str, hold: float) -> None:
        async with store.lock("c3"):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def main() -> None:
        first = asyncio.create_task(turn(a, "first", 0.3))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(turn(b, "second", 0.0))
        await asyncio.sleep(0.05)
        third = asyncio.create_task(turn(a, "third", 0.0))
        await asyncio.wait_for(asyncio.gather(first, second, third), timeout=10)

    asyncio.run(main())
    assert order == ["first in", "first out", "second in", "second out", "third in", "third out"]
    assert a.red.get("tc3") is None and a.red.get("t:lock:c3") is None  # nothing left behind


def test_a_live_server_keeps_its_lock_while_its_turn_runs_long(servers):
    a, b = servers

    async def main() -> float:
        async with a.lock("c4"):
            waiter = asyncio.create_task(timed_lock(b, "c4"))
            await asyncio.sleep(1.5)   # longer than alive_seconds: the heartbeat keeps it
            assert not waiter.done()
        return await asyncio.wait_for(waiter, timeout=5)

    assert asyncio.run(main()) >= 1.4
