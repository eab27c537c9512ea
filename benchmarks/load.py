"""Load for the REST channel, on loopback: closed loop (N conversations, each sending its
next message as soon as it has the reply) and open loop (Poisson arrivals at a fixed
rate). asyncio + aiohttp; every run is bounded in time and in requests."""
from __future__ import annotations

import asyncio
import itertools
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Sequence

import aiohttp

TURN_TIMEOUT = 30.0
MAX_OPEN_IN_FLIGHT = 500
# A conversation ends after this many turns and a new one starts: Rasa's work per turn
# grows with the length of the conversation, and hers are tens of turns, not hundreds.
TURNS_PER_CONVERSATION = 30


@dataclass
class Result:
    label: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    empty: int = 0   # answered with no message (the starter bot does, off its stories)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> dict:
        return {"label": self.label, "turns": len(self.latencies), "errors": self.errors, "empty": self.empty,
                "seconds": round(self.seconds, 1), "turns_per_s": round(self.throughput, 1),
                "p50_ms": round(self.quantile(0.50) * 1000, 1), "p95_ms": round(self.quantile(0.95) * 1000, 1),
                "p99_ms": round(self.quantile(0.99) * 1000, 1)}


async def _turn(http: aiohttp.ClientSession, url: str, sender: str, message: str, result: Result) -> None:
    started = time.perf_counter()
    try:
        async with http.post(url, json={"sender": sender, "message": message},
                             headers={"X-Sender-Id": sender}) as reply:
            body = await reply.json() if reply.status == 200 else None
        ok = isinstance(body, list) and not any(m.get("content_id") == "meta/error" for m in body)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok, body = False, None
    if ok:
        result.latencies.append(time.perf_counter() - started)
        result.empty += not body
    else:
        result.errors += 1


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TURN_TIMEOUT),
                                 connector=aiohttp.TCPConnector(limit=0))


async def closed_loop(url: str, script: Sequence[str], conversations: int, seconds: float,
                      warmup: float = 3.0, label: str = "") -> Result:
    """`conversations` senders at once, each one turn at a time (a new sender after
    TURNS_PER_CONVERSATION turns), for `seconds` after a warm-up."""
    result = Result(label or f"closed {conversations}")
    discard = Result("warm-up")
    tag = uuid.uuid4().hex[:6]
    start = time.perf_counter()
    measure_from, stop_at = start + warmup, start + warmup + seconds

    async def user(n: int) -> None:
        for turn in range(1_000_000):  # ends at stop_at long before
            now = time.perf_counter()
            if now >= stop_at:
                return
            sender = f"bench-{tag}-{n}-{turn // TURNS_PER_CONVERSATION}"
            await _turn(http, url, sender, script[turn % len(script)], result if now >= measure_from else discard)

    async with _session() as http:
        await asyncio.gather(*(user(n) for n in range(conversations)))
    result.seconds = seconds
    return result


async def open_loop(url: str, script: Sequence[str], rate: float, seconds: float, seed: int = 7,
                    label: str = "") -> Result:
    """Poisson arrivals at `rate` turns/s for `seconds`. Each arrival is the next message
    of a conversation that has no turn in flight (a new one when all are busy), so
    latency is the server's, not a conversation waiting on its own lock."""
    result = Result(label or f"open {rate:.1f}/s")
    rng = random.Random(seed)
    tag = uuid.uuid4().hex[:6]
    idle: list[tuple[str, int]] = []
    made = itertools.count()
    in_flight: set[asyncio.Task] = set()

    async def arrival(sender: str, position: int) -> None:
        await _turn(http, url, sender, script[position % len(script)], result)
        if position + 1 < TURNS_PER_CONVERSATION:
            idle.append((sender, position + 1))

    async with _session() as http:
        start = time.perf_counter()
        next_at = start
        while True:
            next_at += rng.expovariate(rate)
            if next_at - start >= seconds:
                break
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            if len(in_flight) >= MAX_OPEN_IN_FLIGHT:
                result.errors += 1  # overloaded: counted, not queued without bound
                continue
            sender, position = idle.pop(0) if idle else (f"bench-{tag}-o{next(made)}", 0)
            task = asyncio.create_task(arrival(sender, position))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        if in_flight:
            await asyncio.wait(in_flight, timeout=TURN_TIMEOUT)
        result.seconds = time.perf_counter() - start
    return result


async def long_conversation(url: str, script: Sequence[str], turns: int = 120) -> list[float]:
    """One conversation of `turns` turns, one at a time: each turn's latency in order, so
    growth with the conversation's length shows (a turn is NaN when it failed)."""
    sender = f"bench-long-{uuid.uuid4().hex[:6]}"
    latencies = []
    async with _session() as http:
        for turn in range(turns):
            result = Result("long")
            await _turn(http, url, sender, script[turn % len(script)], result)
            latencies.append(result.latencies[0] if result.latencies else float("nan"))
    return latencies


def growth(latencies: list[float]) -> dict:
    """Median turn time at turns 1-20 and 101-120, and their ratio (the issue's measure)."""
    def median(values: list[float]) -> float:
        values = sorted(v for v in values if v == v)
        return values[len(values) // 2] if values else float("nan")
    early, late = median(latencies[:20]), median(latencies[100:120])
    return {"turns_1_20_p50_ms": round(early * 1000, 1), "turns_101_120_p50_ms": round(late * 1000, 1),
            "ratio": round(late / early, 2) if early else None}
