"""Her privacy, checked on the real servers over HTTP, on web and SMS.

A scripted conversation carries a phone number, an email, a postcode, a street
address and names. Afterwards none of them may be in the tracker database (read as
raw bytes), the usage table, the SMS state file or any server log, with keeping
text off and on; the bot must behave exactly as it does on Rasa's own SQL store.
Each configuration runs once (servers started, scripts sent, servers stopped) and
the tests read what it left behind.
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.live.servers import ROOT, Servers

pytestmark = pytest.mark.live

PHONE, PHONE_E164 = "07700 900461", "+447700900461"
EMAIL = "kerry.marsh@example.org"
POSTCODE = "LS6 2AB"
CHILD, MOTHER, STREET = "Jayden", "Kerrianne", "Orchard Close"
# Every spelling a careless log line or store could hold.
MARKERS = (PHONE, "900461", "7700900461", EMAIL, "kerry.marsh", POSTCODE, "LS62AB", CHILD, MOTHER, STREET)

WEB_SCRIPT = (
    "hi",
    # Buttons for the walk, so the test is about what the store keeps between turns,
    # not about how the model of the day reads a sentence; her details are typed.
    "/stage_section_47",
    f"I'm {MOTHER} and my son {CHILD} is 4",
    "/nav_next",
    f"call me on {PHONE} or email {EMAIL}, I live at 14 {STREET}, {POSTCODE}",
    "/nav_back",
    "/nav_rights_here",
)
HASH_KEY = "privacy-live-key"
SMS_NUMBER = "+447700900462"  # the texter's own number, also a marker
SMS_SCRIPT = (
    "what is section 20",
    f"my son is called {CHILD}, ring me on {PHONE}, {EMAIL}, {POSTCODE}",
    "go back",
)


@dataclass
class Run:
    name: str
    workdir: Path
    web_replies: list[list[str]] = field(default_factory=list)
    sms_replies: list[str] = field(default_factory=list)
    old_conversation_left: bool | None = None
    sms_events_before_delete: int = 0
    sms_events_after_delete: int = -1
    sms_delete_reply: str = ""

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.db"

    @property
    def files(self) -> list[Path]:
        """Everything the servers wrote: the database, SMS state and every log."""
        return sorted(p for p in self.workdir.iterdir() if p.is_file() and p.suffix in {".db", ".log"})


def content_ids(messages: list[dict]) -> list[str]:
    return [m.get("content_id") for m in messages]


def sms_unavailable() -> str | None:
    try:
        import bot.channels.sms  # noqa: F401
        from tests.fake_sms_gateway import FakeGateway  # noqa: F401
    except ImportError as error:
        return f"the SMS channel is not importable yet ({error})"
    return None


def plant_old_conversation(db: Path) -> None:
    """A conversation idle for 40 days, written before the server starts."""
    with sqlite3.connect(db) as connection:
        connection.execute(
            "create table if not exists events (id integer primary key, sender_id varchar(255) not null, "
            "type_name varchar(255) not null, timestamp float, intent_name varchar(255), "
            "action_name varchar(255), data text)"
        )
        connection.execute(
            "insert into events (sender_id, type_name, timestamp, data) values ('idle-40-days', 'action', ?, '{}')",
            (time.time() - 40 * 86400,),
        )


def send_sms(port: int, body: str) -> None:
    from tests.fake_sms_gateway import signed

    url = f"http://127.0.0.1:{port}/webhooks/sms/webhook"
    form = {"From": SMS_NUMBER, "To": "+447700900001", "Body": body,
            "MessageSid": f"SM{time.time_ns():032d}", "AccountSid": "ACtest0000000000000000000000000000"}
    request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), headers=signed(url, form))
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200


def sms_events(run: Run) -> int:
    from bot.sms.sender_id import SenderHasher

    with sqlite3.connect(run.tracker_db) as db:
        return db.execute("select count(*) from events where sender_id = ?",
                          (SenderHasher(HASH_KEY)(SMS_NUMBER),)).fetchone()[0]


def run_config(tmp_path_factory, name: str, store: str | None, keep: bool, ports: tuple[int, int]) -> Run:
    run = Run(name, tmp_path_factory.mktemp(f"privacy-{name}"))
    env = {"KEEP_USER_TEXT": "on" if keep else "off", "RETENTION_DAYS": "30",
           "SENDER_HASH_KEY": HASH_KEY, "SMS_STATE_DB": str(run.workdir / "sms.db")}
    gateway = None
    if not sms_unavailable():
        from tests.fake_sms_gateway import FakeGateway

        gateway = FakeGateway().start()
        env.update(gateway.env)
    plant_old_conversation(run.tracker_db)
    servers = Servers(run.workdir, rasa_port=ports[0], actions_port=ports[1], env=env)
    if store:
        servers.tracker_store_type = store
    try:
        servers.start_actions()
        servers.start_rasa()
        for text in WEB_SCRIPT:
            run.web_replies.append(content_ids(servers.say(f"web-{name}", text)))
        if gateway is not None:
            for number, text in enumerate(SMS_SCRIPT, start=1):
                send_sms(ports[0], text)
                run.sms_replies = gateway.wait_for(SMS_NUMBER, number)
            assert len(run.sms_replies) == len(SMS_SCRIPT)
            run.sms_events_before_delete = sms_events(run)
            send_sms(ports[0], "DELETE")
            run.sms_delete_reply = gateway.wait_for(SMS_NUMBER, len(SMS_SCRIPT) + 1)[-1]
            run.sms_events_after_delete = sms_events(run)
        with sqlite3.connect(run.tracker_db) as db:
            run.old_conversation_left = bool(
                db.execute("select count(*) from events where sender_id = 'idle-40-days'").fetchone()[0]
            )
    finally:
        servers.stop()
        if gateway is not None:
            gateway.stop()
    return run


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    """Rasa's own SQL store (the reference), then ours with keeping text off and on."""
    return {
        "plain": run_config(tmp_path_factory, "plain", "SQL", keep=False, ports=(15305, 15355)),
        "off": run_config(tmp_path_factory, "off", None, keep=False, ports=(15405, 15455)),
        "on": run_config(tmp_path_factory, "on", None, keep=True, ports=(15505, 15555)),
    }


def found_markers(path: Path) -> list[str]:
    data = path.read_bytes().decode("utf-8", errors="replace").lower()
    return [marker for marker in MARKERS + (SMS_NUMBER, SMS_NUMBER[1:]) if marker.lower() in data]


def test_the_reference_run_really_carried_the_markers(runs):
    # Without this, the scans below could pass because nothing was ever sent.
    assert any(found_markers(runs["plain"].tracker_db)), "Rasa's own store should hold her words"


@pytest.mark.parametrize("name", ["off", "on"])
def test_no_marker_is_in_the_tracker_store_usage_table_sms_state_or_any_log(runs, name):
    run = runs[name]
    assert {p.name for p in run.files} >= {"tracker.db", "rasa.log", "actions.log"}
    for path in run.files:
        assert found_markers(path) == [], f"{path.name} holds {found_markers(path)}"
    with sqlite3.connect(run.tracker_db) as db:
        usage = " ".join(str(row) for row in db.execute("select * from usage_daily"))
        assert "web-" not in usage and not any(m.lower() in usage.lower() for m in MARKERS)


def test_with_keeping_on_her_question_is_kept_with_details_taken_out(runs):
    with sqlite3.connect(runs["on"].tracker_db) as db:
        texts = [row[0] for row in db.execute("select json_extract(data, '$.text') from events where type_name='user'")]
    assert "I'm [name] and my son [name] is 4" in texts
    assert "call me on [phone] or email [email], I live at [address], [postcode]" in texts
    with sqlite3.connect(runs["off"].tracker_db) as db:
        kept = db.execute("select count(*) from events where type_name='user' "
                          "and json_extract(data, '$.text') is not null").fetchone()[0]
    assert kept == 0


@pytest.mark.parametrize("name", ["off", "on"])
def test_the_bot_behaves_exactly_as_on_rasas_own_store(runs, name):
    assert runs[name].web_replies == runs["plain"].web_replies
    assert runs[name].sms_replies == runs["plain"].sms_replies


def test_slots_survive_the_stored_turns_so_next_and_back_work(runs, content):
    replies = runs["off"].web_replies
    assert replies[1] == ["stage/section-47", "meta/not-a-lawyer"]  # said once, after the first stage
    following = content.item("stage/section-47").next[0]
    assert replies[3] == [following]              # "what happens next" after a turn with her details
    assert replies[5] == ["stage/section-47"]     # "go back" after another
    assert replies[6] == ["stage/section-47"]     # her rights at the stage she is on


def test_the_running_service_purged_a_conversation_idle_past_the_period(runs):
    assert runs["plain"].old_conversation_left is True   # Rasa's own store keeps it for ever
    assert runs["off"].old_conversation_left is False


def test_the_usage_report_is_written_from_the_real_run(runs, tmp_path):
    from bot.privacy.usage_report import main as write_report

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: x\n  dialect: sqlite\n  db: {runs['off'].tracker_db}\n")
    out = tmp_path / "usage-report.html"
    assert write_report(["--endpoints", str(endpoints), "--out", str(out)]) == 0
    page = out.read_text()
    assert page.count("data:image/png;base64,") >= 3 and "stage/section-47" in page
    with sqlite3.connect(runs["off"].tracker_db) as db:
        started = db.execute("select sum(count) from usage_daily where kind='conversation'").fetchone()[0]
    assert started == (1 if sms_unavailable() else 2)  # one web and one SMS conversation


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with Servers(tmp_path_factory.mktemp("privacy-delete"), rasa_port=15605, actions_port=15655,
                 env={"KEEP_USER_TEXT": "off"}).running() as running:
        yield running


@pytest.mark.parametrize("words", ["delete my conversation", "delete my chat"])
def test_delete_my_conversation_removes_it_at_once(servers, words):
    sender = "delete-" + words.replace(" ", "-")
    servers.say(sender, "what is a care order")
    with sqlite3.connect(servers.db) as db:
        assert db.execute("select count(*) from events where sender_id=?", (sender,)).fetchone()[0] > 0
    assert "meta/forget-me" in content_ids(servers.say(sender, words))
    with sqlite3.connect(servers.db) as db:
        assert db.execute("select count(*) from events where sender_id=?", (sender,)).fetchone()[0] == 0


def test_within_a_turn_actions_see_her_words_but_the_next_turn_reads_them_from_the_store(servers, tmp_path, monkeypatch):
    """Rasa reads the tracker from the store once at the start of a turn and saves it
    at the end: the dates actions can read `latest_message.text`, and nothing older."""
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor
    from rasa.utils.endpoints import EndpointConfig

    from bot.channels.private_store import PrivateSQLTrackerStore

    monkeypatch.setenv("KEEP_USER_TEXT", "off")
    seen: list[tuple[str | None, list]] = []  # per action after her message: (latest text, earlier texts)
    original = MessageProcessor._run_action

    async def watching(self, action, tracker, output_channel, nlg, prediction):
        if action.name() != "action_session_start":  # runs before her message is added
            earlier = [e.text for e in tracker.events if getattr(e, "type_name", "") == "user"][:-1]
            seen.append((tracker.latest_message.text, earlier))
        return await original(self, action, tracker, output_channel, nlg, prediction)

    monkeypatch.setattr(MessageProcessor, "_run_action", watching)

    async def talk():
        store = PrivateSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "t.db"))
        agent = Agent.load(
            str(ROOT / "models" / "current.tar.gz"), tracker_store=store,
            action_endpoint=EndpointConfig(f"http://127.0.0.1:{servers.actions_port}/webhook"),
        )
        await agent.handle_text(f"my son {CHILD} has a section 47", sender_id="turns")
        boundary = len(seen)
        await agent.handle_text("what happens next", sender_id="turns")
        return boundary

    boundary = asyncio.run(talk())
    first_turn, second_turn = seen[:boundary], seen[boundary:]
    assert first_turn and second_turn
    # Every action of her turn could read her words, in memory...
    assert all(CHILD in latest for latest, _ in first_turn)
    # ...and the next turn started from the store, where they were not kept.
    assert all(latest == "what happens next" and earlier == [None] for latest, earlier in second_turn)


def test_the_sms_leg_ran(runs):
    reason = sms_unavailable()
    if reason:
        pytest.skip(f"SMS leg not run: {reason}")
    for name in ("plain", "off", "on"):
        assert len(runs[name].sms_replies) == len(SMS_SCRIPT)


@pytest.mark.parametrize("name", ["off", "on"])
def test_sms_delete_removes_her_conversation_at_once(runs, renderer, name):
    reason = sms_unavailable()
    if reason:
        pytest.skip(f"SMS leg not run: {reason}")
    from bot.render import Channel

    run = runs[name]
    assert run.sms_events_before_delete > 0 and run.sms_events_after_delete == 0
    assert run.sms_delete_reply.startswith(renderer.message("meta/forget-me", Channel.SMS).text)
