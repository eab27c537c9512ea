"""Failover test (`make test-cluster`): a whole cluster on loopback, 20 conversations
of 32 turns through nginx, one Rasa server killed with SIGKILL a third of the way in,
PostgreSQL restarted two thirds of the way in, and two more turns per conversation
once every server is back. Beside them, texters send SMS through nginx to a fake
gateway: two send STOP before the kill and START after the PostgreSQL restart (no
text may reach them in between, whichever server they land on), and some texts are
delivered a second time straight to the other server (answered once: the servers
share the SMS records in PostgreSQL).

Each reply is checked against what the bot must say in that conversation's state (the
expected state is worked out here from the content library, as the actions do), so a
turn answered from a lost or stale conversation is caught at once. At the end every
conversation's stored tracker must hold the turns in the order she had them and the
slots she should have (stage, stage history, the deadline dates). Prints the counts
and exits non-zero if any check fails. Loopback only; every loop and wait is bounded.
"""
from __future__ import annotations

import asyncio
import json
import random
import shutil
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts" / "cluster")]

from cluster import Cluster, Ports  # noqa: E402  (scripts/cluster/cluster.py)

from bot.content import default_content  # noqa: E402
from bot.deadlines import compute  # noqa: E402
from bot.render import Channel, Renderer  # noqa: E402
from tests.fake_sms_gateway import FakeGateway, signed  # noqa: E402

CONVERSATIONS = 20
TURNS = 30                 # before the servers are all back
TURNS_AFTER = 2            # once they are: the conversations that moved must carry on
THINK = (0.2, 0.6)         # seconds between her messages
TURN_TIMEOUT = 30.0        # the widget gives up after 45 s
KILL_AT, PG_RESTART_AT = 1 / 3, 2 / 3
AT_THE_KILL = 3.0          # an error this soon after the kill is the in-flight message's
ANSWERED_AT_ONCE = 2.0     # ... and the client must have it within this
RESTART_WAIT = 240.0
PORTS = Ports(nginx=25005, rasa=(25006, 25007), actions=25055, postgres=25432, redis=26379, web=25080)
# A deadline answered in one reply (an appeal first asks "final or interim?").
PROCEEDINGS = "dates/proceedings-deadline"
# Said as she would type them (checked against the model); the rest are button payloads.
STAGE_WORDS = {"stage/icpc": "what is a child protection conference"}
NAV_WORDS = {"/nav_next": "what happens next", "/nav_back": "go back",
             "/nav_rights_here": "what are my rights here"}

CONTENT = default_content()
STAGES = sorted(i for i in CONTENT.items if i.startswith("stage/"))

TEXTERS = 6                # SMS, beside the web conversations
STOPPERS = 2               # of them: STOP before the kill, START after the PostgreSQL restart
STOP_AT = 1 / 5            # of the web turns
TEXT_EVERY = (1.0, 2.5)    # seconds between her texts
TEXTS_AFTER = 2            # questions after the restarts (after START for the stoppers)
REDELIVER_EVERY = 3        # every third text of the others goes again, straight to the other server
SMS_WAIT = 60.0            # for the last replies (and any retried from an outbox)
SMS_IN_FLIGHT = 10.0       # a text the killed server accepted this soon before dying may go unanswered


# ---------------------------------------------------------------- the bot's rules, expected
@dataclass(frozen=True)
class State:
    stage: Optional[str] = None
    history: tuple[str, ...] = ()
    deadline: Optional[tuple[str, str]] = None


def shown(state: State, content_id: str) -> State:
    """actions.answer.show: a stage shown becomes where she is, once."""
    if content_id.startswith("stage/") and state.stage != content_id:
        return replace(state, stage=content_id, history=(state.history + (content_id,))[-20:])
    return state


def expect(state: State, turn: dict) -> tuple[tuple[str, str], State]:
    """(content id, part) of the reply, and the state after it."""
    kind = turn["kind"]
    if kind == "stage":
        return (turn["stage"], "main"), shown(state, turn["stage"])
    if kind == "next":
        following = CONTENT.item(state.stage).next[0]
        return (following, "main"), shown(state, following)
    if kind == "back":
        history = [s for s in state.history if s in CONTENT.items]
        if len(history) >= 2:
            return (history[-2], "main"), replace(state, stage=history[-2], history=tuple(history[:-1]))
        previous = CONTENT.previous_stage(state.stage)
        if previous is None:
            return ("meta/what-can-you-do", "main"), state
        return (previous, "main"), replace(state, stage=previous, history=(previous,))
    if kind == "rights":
        return (state.stage, "rights"), state
    if kind == "dates":
        start = date.fromisoformat(turn["start"])
        due = compute(PROCEEDINGS, start).due
        return (PROCEEDINGS, "result"), replace(state, deadline=(start.isoformat(), due.isoformat()))
    raise ValueError(kind)


def script(rng: random.Random, turns: int, today: date) -> list[dict]:
    """One conversation: a stage first, then moving about, rights and deadlines."""
    def stage_turn() -> dict:
        stage = rng.choice(STAGES)
        words = STAGE_WORDS.get(stage) if rng.random() < 0.7 else None
        return {"kind": "stage", "stage": stage, "message": words or "/" + CONTENT.item(stage).intent}

    def nav(kind: str, payload: str) -> dict:
        return {"kind": kind, "message": NAV_WORDS[payload] if rng.random() < 0.4 else payload}

    def dates() -> dict:
        start = today - timedelta(days=rng.randint(1, 15))
        said = f"the court issued the care application on {start.day}/{start.month}/{start.year} when do the 26 weeks end"
        return {"kind": "dates", "start": start.isoformat(), "message": said}

    out = [stage_turn()]
    for index in range(1, turns):
        if index in (4, turns - 6):
            out.append(dates())
            continue
        roll = rng.random()
        if roll < 0.4:
            out.append(nav("next", "/nav_next"))
        elif roll < 0.55:
            out.append(nav("back", "/nav_back"))
        elif roll < 0.75:
            out.append(nav("rights", "/nav_rights_here"))
        elif roll < 0.9:
            out.append(stage_turn())
        else:
            out.append(dates())
    return out


# ---------------------------------------------------------------- one turn over HTTP
@dataclass
class Reply:
    started: float
    ended: float
    status: int = 0
    messages: list = field(default_factory=list)
    served_by: str = ""
    error: str = ""

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(m.get("content_id") == "meta/error" for m in self.messages)

    @property
    def first(self) -> tuple[str, str]:
        m = self.messages[0] if self.messages else {}
        return m.get("content_id", ""), m.get("part", "main")


async def say(http: aiohttp.ClientSession, url: str, sender: str, message: str) -> Reply:
    reply = Reply(started=time.monotonic(), ended=0.0)
    try:
        async with http.post(url, json={"sender": sender, "message": message},
                             headers={"X-Sender-Id": sender}) as response:
            reply.status = response.status
            reply.served_by = response.headers.get("X-Served-By", "")
            if response.status == 200:
                reply.messages = await response.json()
            else:
                reply.error = f"HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        reply.error = type(error).__name__
    reply.ended = time.monotonic()
    return reply


# ---------------------------------------------------------------- the run
@dataclass
class Conversation:
    sender: str
    turns: list[dict]
    state: State = State()
    received: list[list[str]] = field(default_factory=list)   # content ids per answered turn
    retried_at: set = field(default_factory=set)               # indexes in `received` after an error
    errors: list[Reply] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    misrouted: int = 0
    servers: list[str] = field(default_factory=list)
    busy_on: Optional[str] = None                               # server of the turn in flight
    slowest: float = 0.0


class Run:
    def __init__(self, cluster: Cluster, seed: int = 2611):
        self.cluster = cluster
        self.url = f"http://127.0.0.1:{cluster.ports.nginx}/webhooks/rest/webhook"
        rng = random.Random(seed)
        tag = uuid.uuid4().hex[:6]
        today = date.today()
        self.conversations = [Conversation(f"failover-{tag}-{n:02d}", script(rng, TURNS + TURNS_AFTER, today))
                              for n in range(CONVERSATIONS)]
        self.rng = rng
        self.done = 0
        self.kill_time: Optional[float] = None
        self.killed: Optional[str] = None
        self.pg_down = 0.0
        self.pg_restart_time: Optional[float] = None
        self.latencies: list[tuple[float, float]] = []  # (started, seconds) of every answered turn
        self.restarts_over = asyncio.Event()            # the kill and the PostgreSQL restart are behind
        self.sms: Optional[Sms] = None

    async def turn(self, http, c: Conversation, index: int) -> None:
        turn = c.turns[index]
        want, after = expect(c.state, turn)
        c.busy_on = c.servers[-1] if c.servers else None
        reply = await say(http, self.url, c.sender, turn["message"])
        retried = False
        if reply.failed:
            c.errors.append(reply)
            # What the widget's retry button does. If the dead server had saved the turn
            # before it died, the retry is a second, repeated turn: both are right.
            await asyncio.sleep(0.2)
            reply, retried = await say(http, self.url, c.sender, turn["message"]), True
            if reply.failed:
                c.errors.append(reply)
        c.busy_on = None
        c.slowest = max(c.slowest, reply.ended - reply.started)
        self.latencies.append((reply.started, reply.ended - reply.started))
        if reply.failed:
            c.wrong.append(f"turn {index}: no answer after a retry ({reply.error or 'meta/error'})")
            return
        c.misrouted += sum(1 for m in reply.messages if m.get("recipient_id") != c.sender)
        if reply.served_by:
            c.servers.append(reply.served_by.split(",")[-1].strip())
        twice_want, twice_after = expect(after, turn)
        if reply.first == want:
            c.state = after
        elif retried and reply.first == twice_want:
            c.state = twice_after
        else:
            c.wrong.append(f"turn {index} ({turn['kind']}): expected {want}, got {reply.first}")
            return
        if retried:
            c.retried_at.add(len(c.received))
        c.received.append([m.get("content_id", "") for m in reply.messages])

    async def conversation(self, http, c: Conversation, first: int, last: int, rng: random.Random) -> None:
        for index in range(first, last):
            await asyncio.sleep(rng.uniform(*THINK))
            await self.turn(http, c, index)
            self.done += 1
            if c.wrong:
                return  # the rest would only repeat the same failure

    async def chaos(self) -> None:
        """Kill one Rasa server a third of the way in, restart PostgreSQL at two thirds."""
        total = CONVERSATIONS * TURNS
        deadline = time.monotonic() + 600
        while self.done < total * KILL_AT and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        # The server most conversations are on, at a moment when one of its turns is in flight.
        counts: dict[str, int] = {}
        for c in self.conversations:
            if c.servers:
                counts[c.servers[-1]] = counts.get(c.servers[-1], 0) + 1
        victim_addr = max(counts, key=counts.get)
        victim = f"rasa-{self.cluster.ports.rasa.index(int(victim_addr.rsplit(':', 1)[1])) + 1}"
        wait_until = time.monotonic() + 5
        while time.monotonic() < wait_until and not any(c.busy_on == victim_addr for c in self.conversations):
            await asyncio.sleep(0.005)
        self.cluster.kill(victim)
        self.kill_time, self.killed = time.monotonic(), victim
        print(f"failover: killed {victim} with SIGKILL after {self.done} turns", flush=True)
        while self.done < total * PG_RESTART_AT and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        print(f"failover: restarting PostgreSQL after {self.done} turns", flush=True)
        self.pg_restart_time = time.monotonic()
        self.pg_down = await asyncio.get_running_loop().run_in_executor(None, self.cluster.restart, "postgres")
        print(f"failover: PostgreSQL answered again after {self.pg_down:.1f} s", flush=True)
        self.restarts_over.set()

    async def main(self) -> None:
        timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            chaos = asyncio.create_task(self.chaos())
            texting = asyncio.create_task(self.sms.main(http)) if self.sms else None
            rngs = [random.Random(self.rng.random()) for _ in self.conversations]
            await asyncio.gather(*(self.conversation(http, c, 0, TURNS, r) for c, r in zip(self.conversations, rngs)))
            await asyncio.wait_for(chaos, timeout=120)
            # Every server back before the last turns, so conversations move back too.
            started = time.monotonic()
            await asyncio.get_running_loop().run_in_executor(
                None, lambda: self.cluster.wait_ready([self.killed], timeout=RESTART_WAIT))
            print(f"failover: {self.killed} answers again ({time.monotonic() - self.kill_time:.0f} s after the kill; "
                  f"waited {time.monotonic() - started:.0f} s)", flush=True)
            await asyncio.gather(*(self.conversation(http, c, TURNS, TURNS + TURNS_AFTER, r)
                                   for c, r in zip(self.conversations, rngs) if not c.wrong))
            if texting is not None:
                await asyncio.wait_for(texting, timeout=120)


# ---------------------------------------------------------------- SMS beside them
@dataclass
class Text:
    body: str
    sid: str
    accepted: float = 0.0      # when the webhook answered 200
    served_by: str = ""
    answered: bool = True      # a reply is due (not while stopped)
    redelivered: bool = False


@dataclass
class Texter:
    number: str
    stopper: bool
    texts: list[Text] = field(default_factory=list)
    stopped: Optional[tuple[float, float]] = None   # (STOP accepted, START sent)
    refused: list[str] = field(default_factory=list)


class Sms:
    """Texters posting signed webhooks through nginx, as a gateway would (and trying a
    text again, same MessageSid, when the front door fails, as a gateway does)."""

    def __init__(self, run: "Run", gateway: FakeGateway, seed: int = 2612):
        self.run, self.gateway = run, gateway
        self.rng = random.Random(seed)
        tag = uuid.uuid4().int % 10_000
        self.texters = [Texter(f"+4477009{tag:04d}{n:02d}", stopper=n < STOPPERS) for n in range(TEXTERS)]
        self._sids = 0

    def question(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return "/" + CONTENT.item(self.rng.choice(STAGES)).intent
        return self.rng.choice(["/nav_next", "/nav_rights_here", "/nav_back", "1", "2"])

    async def _post(self, http, url: str, form: dict) -> aiohttp.ClientResponse | None:
        try:
            async with http.post(url, data=form, headers=signed(self.run.cluster.sms_url, form)) as reply:
                await reply.read()
                return reply
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return None

    async def send(self, http, t: Texter, body: str, answered: bool = True) -> Text:
        self._sids += 1
        text = Text(body, f"SM{uuid.uuid4().hex[:24]}{self._sids:08d}", answered=answered)
        form = {"From": t.number, "To": "+447700900001", "Body": body, "MessageSid": text.sid,
                "AccountSid": "ACtest0000000000000000000000000000"}
        for attempt in range(4):
            reply = await self._post(http, self.run.cluster.sms_url, form)
            if reply is not None and reply.status == 200:
                text.accepted, text.served_by = time.monotonic(), reply.headers.get("X-Served-By", "")
                break
            await asyncio.sleep(0.5 * (attempt + 1))
        else:
            t.refused.append(body)
        t.texts.append(text)
        both_up = self.run.kill_time is None
        if (text.accepted and both_up and not t.stopper and len(t.texts) % REDELIVER_EVERY == 0
                and text.served_by):
            # The gateway delivers it again, and this time it reaches the other server.
            ports = [str(p) for p in self.run.cluster.ports.rasa]
            other = next(i for i, p in enumerate(ports) if not text.served_by.endswith(":" + p))
            again = await self._post(http, f"{self.run.cluster.rasa_url(other)}/webhooks/sms/webhook", form)
            text.redelivered = again is not None and again.status == 200
        return text

    async def texter(self, http, t: Texter) -> None:
        total = CONVERSATIONS * TURNS
        deadline = time.monotonic() + 700
        while not self.run.restarts_over.is_set() and time.monotonic() < deadline:
            if t.stopper and t.stopped is None and self.run.done >= total * STOP_AT:
                stop = await self.send(http, t, "STOP")
                t.stopped = (stop.accepted or time.monotonic(), 0.0)
            else:
                await self.send(http, t, self.question(), answered=t.stopped is None)
            await asyncio.sleep(self.rng.uniform(*TEXT_EVERY))
        if t.stopper:
            t.stopped = (t.stopped[0] if t.stopped else 0.0, time.monotonic())
            await self.send(http, t, "START")
        for _ in range(TEXTS_AFTER):
            await asyncio.sleep(self.rng.uniform(*TEXT_EVERY))
            await self.send(http, t, self.question())

    async def main(self, http) -> None:
        await asyncio.gather(*(self.texter(http, t) for t in self.texters))


def sms_report(sms: Sms, run: "Run") -> dict[str, bool]:
    renderer = Renderer(CONTENT)
    stop_text = renderer.message("meta/sms-stop", Channel.SMS).text
    start_text = renderer.message("meta/sms-start", Channel.SMS).text
    due = {t.number: sum(1 for x in t.texts if x.accepted and x.answered) for t in sms.texters}
    deadline = time.monotonic() + SMS_WAIT
    while time.monotonic() < deadline and any(len(sms.gateway.to(n)) < c for n, c in due.items()):
        time.sleep(0.5)
    numbers = {t.number for t in sms.texters}
    strangers = [sent.to for sent in sms.gateway.sent if sent.to not in numbers]
    to_strangers = len(strangers)
    if strangers:  # test numbers only, shown to tell a cut request from a wrong address
        print(f"  SMS: {to_strangers} texts to numbers no texter has: {strangers[:5]}")
    lost = extra = silent_broken = not_spanning = 0
    allowed_lost = 0
    for t in sms.texters:
        got = sms.gateway.to(t.number)
        in_flight = [x for x in t.texts if x.accepted and x.answered and run.kill_time
                     and run.killed and run.kill_time - SMS_IN_FLIGHT <= x.accepted <= run.kill_time
                     and x.served_by.endswith(":" + str(run.cluster.ports.rasa[int(run.killed[-1]) - 1]))]
        missing = due[t.number] - len(got)
        lost += max(missing - len(in_flight), 0)
        allowed_lost += max(min(missing, len(in_flight)), 0)
        extra += max(-missing, 0)
        if t.stopper:
            stops = [i for i, body in enumerate(got) if body.startswith(stop_text)]
            starts = [i for i, body in enumerate(got) if body.startswith(start_text)]
            if not stops or not starts or starts[0] != stops[0] + 1:
                silent_broken += 1
                print(f"  {t.number[-4:]}: texts between STOP and START: "
                      f"{got[stops[0] + 1:starts[0]] if stops and starts else got}")
            begun, ended = t.stopped or (0.0, 0.0)
            if not (run.kill_time and run.pg_restart_time and begun < run.kill_time < run.pg_restart_time < ended):
                not_spanning += 1
        if missing or t.refused:
            print(f"  {t.number[-4:]}: {len(got)} replies for {due[t.number]} texts due"
                  f"{f', {len(t.refused)} refused at the front door' if t.refused else ''}")
    redelivered = sum(1 for t in sms.texters for x in t.texts if x.redelivered)
    texts = sum(len(t.texts) for t in sms.texters)
    print(f"  SMS: {TEXTERS} texters, {texts} texts ({redelivered} delivered again to the other server), "
          f"{sum(due.values())} replies due, {sum(len(sms.gateway.to(n)) for n in numbers)} sent; "
          f"lost {lost} (+{allowed_lost} in flight at the kill), extra {extra}")
    return {
        "SMS: every text answered once (but those in flight at the kill)": lost == 0 and extra == 0,
        "SMS: a text delivered again to the other server answered once": redelivered > 0 and extra == 0,
        "SMS: nothing sent between STOP and START, across the kill and the restart":
            silent_broken == 0 and not_spanning == 0,
        "SMS: texts only to the texters": to_strangers == 0,
        "SMS: every text accepted at the front door": not any(t.refused for t in sms.texters),
    }


# ---------------------------------------------------------------- checks after the run
def stored(cluster: Cluster, sender: str) -> Optional[dict]:
    url = f"{cluster.rasa_url(0)}/conversations/{sender}/tracker?token={cluster.api_token}"
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            return json.loads(reply.read())
    except OSError:
        return None


def stored_turns(tracker: dict) -> list[list[str]]:
    """Content ids the bot sent, grouped by her messages, in stored order."""
    turns: list[list[str]] = []
    for event in tracker.get("events", []):
        if event.get("event") == "user":
            turns.append([])
        elif event.get("event") == "bot" and turns:
            turns[-1].append(((event.get("metadata") or {}).get("metadata") or {}).get("content_id", ""))
    return turns


def in_order(received: list[list[str]], retried_at: set, turns: list[list[str]]) -> bool:
    """The stored turns are hers in the same order; a turn the killed server stored
    just before dying may stand once more in front of its retry."""
    i = 0
    for j, ids in enumerate(received):
        if i < len(turns) and turns[i] != ids and j in retried_at and i + 1 < len(turns) and turns[i + 1] == ids:
            i += 1
        if i >= len(turns) or turns[i] != ids:
            return False
        i += 1
    return i == len(turns)


def slots_intact(tracker: dict, state: State) -> bool:
    slots = tracker.get("slots", {})
    start, due = state.deadline or (None, None)
    return (slots.get("stage") == state.stage and tuple(slots.get("stage_history") or ()) == state.history
            and slots.get("deadline_start") == start and slots.get("deadline_due") == due)


def servers_answer(cluster: Cluster) -> dict[str, bool]:
    answers = {}
    for index in range(len(cluster.ports.rasa)):
        body = json.dumps({"sender": f"after-{uuid.uuid4().hex[:6]}", "message": "/nav_rights_here"}).encode()
        request = urllib.request.Request(f"{cluster.rasa_url(index)}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                messages = json.loads(reply.read())
            answers[f"rasa-{index + 1}"] = bool(messages) and messages[0].get("content_id") != "meta/error"
        except OSError:
            answers[f"rasa-{index + 1}"] = False
    answers.update({name: up for name, up in cluster.status().items() if not name.startswith("rasa")})
    return answers


def report(run: Run, cluster: Cluster) -> int:
    cs = run.conversations
    misrouted = sum(c.misrouted for c in cs)
    out_of_order, lost = 0, 0
    for c in cs:
        tracker = stored(cluster, c.sender)
        if tracker is None or c.wrong:
            lost += 1
            for line in c.wrong[:3]:
                print(f"  {c.sender}: {line}")
            continue
        if not in_order(c.received, c.retried_at, stored_turns(tracker)):
            out_of_order += 1
            print(f"  {c.sender}: stored turns differ from the replies she had")
        if not slots_intact(tracker, c.state):
            lost += 1
            print(f"  {c.sender}: slots {({k: tracker['slots'].get(k) for k in ('stage', 'deadline_start', 'deadline_due')})}"
                  f" but expected {c.state}")
    errors = [e for c in cs for e in c.errors]
    at_kill = [e for e in errors if run.kill_time and e.started <= run.kill_time + 0.5
               and run.kill_time - 1 <= e.ended <= run.kill_time + AT_THE_KILL]
    elsewhere = [e for e in errors if e not in at_kill]
    slow_at_kill = [e for e in at_kill if e.ended - max(e.started, run.kill_time) > ANSWERED_AT_ONCE]
    moved = sum(1 for c in cs if len(set(c.servers)) > 1)
    # Moved away when its server died, and back once it was restarted.
    moved_back = sum(1 for c in cs if len(c.servers) > 2 and any(
        c.servers[i] != c.servers[i + 1] and c.servers[i + 1:].count(c.servers[i]) for i in range(len(c.servers) - 1)))
    latencies = sorted(seconds for _, seconds in run.latencies)

    def at(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    def when(started: float) -> str:
        marks = [("the kill", run.kill_time), ("the PostgreSQL restart", run.pg_restart_time)]
        name, moment = min(((n, m) for n, m in marks if m), key=lambda nm: abs(started - nm[1]))
        return f"{started - moment:+.1f} s from {name}"
    slowest = sorted(run.latencies, key=lambda sl: -sl[1])[:3]
    turns = sum(len(c.received) for c in cs)
    answers = servers_answer(cluster)
    print()
    print(f"failover: {len(cs)} conversations, {turns} turns answered "
          f"({TURNS + TURNS_AFTER} each), {run.killed} killed, PostgreSQL down {run.pg_down:.1f} s")
    print(f"  misrouted replies            {misrouted}")
    print(f"  conversations out of order   {out_of_order}")
    print(f"  conversations lost           {lost}")
    print(f"  errors at the kill           {len(at_kill)} (in flight; slowest shown after "
          f"{max((e.ended - max(e.started, run.kill_time) for e in at_kill), default=0):.2f} s, over "
          f"{ANSWERED_AT_ONCE:.0f} s: {len(slow_at_kill)}: {sorted({e.error or 'meta/error' for e in at_kill})})")
    print(f"  errors at any other time     {len(elsewhere)} {sorted({e.error or 'meta/error' for e in elsewhere})}")
    print(f"  conversations that moved     {moved} (and back to the restarted server: {moved_back})")
    print(f"  turn time                    p50 {at(0.5):.2f} s, p95 {at(0.95):.2f} s, max {at(1.0):.2f} s")
    print(f"  slowest turns started at     " + "; ".join(f"{s:.1f} s at {when(t)}" for t, s in slowest))
    answering = ", ".join(f"{name}: {'yes' if up else 'NO'}" for name, up in answers.items())
    print(f"  answering after the restarts {answering}")
    checks = {
        "no reply to the wrong sender": misrouted == 0,
        "every conversation in order": out_of_order == 0,
        "no conversation lost": lost == 0,
        "errors only for messages in flight at the kill": not elsewhere,
        "in-flight errors shown at once": not slow_at_kill,
        "conversations moved when their server died": moved > 0,
        "every server answers after the restarts": all(answers.values()),
    }
    if run.sms is not None:
        checks.update(sms_report(run.sms, run))
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'FAIL'} {name}")
    failed = sum(1 for ok in checks.values() if not ok)
    print(f"failover: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


def main() -> int:
    base = ROOT / "var" / "cluster-test"
    gateway = FakeGateway().start()
    cluster = Cluster(base=base, ports=PORTS, with_web=False, rasa_env=gateway.env)
    if base.exists():
        cluster.run_dir.mkdir(parents=True, exist_ok=True)
        cluster.stop_leftovers()
        shutil.rmtree(base)
    started = time.monotonic()
    try:
        cluster.start()
        run = Run(cluster)
        run.sms = Sms(run, gateway)
        asyncio.run(asyncio.wait_for(run.main(), timeout=900))
        code = report(run, cluster)
    finally:
        cluster.stop()
        gateway.stop()
    print(f"failover: whole test {time.monotonic() - started:.0f} s (logs in {cluster.logs})")
    return code


if __name__ == "__main__":
    sys.exit(main())
