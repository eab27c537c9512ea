"""`make bench`: the figures of docs/performance.md, for this bot and, in the same run,
for the stock `rasa init` starter bot built in a temporary folder (the reference).

For each bot, on loopback: cold start (process start to first answer), turn latency
p50/p95/p99 at 1, 20 and 50 conversations (closed loop), saturation throughput, p95
under Poisson arrivals at half that rate, resident memory; then full train time and
held-out NLU accuracy; then the same load through the cluster (nginx, two Rasa
servers, PostgreSQL, Redis). Prints the figures and writes build/bench/results.json.

It also runs one conversation of 120 turns on each bot (median turn time at turns 1-20
against 101-120), and for this bot says where a turn's time goes: a stopwatch on each
stage of a turn, then cProfile (benchmarks/profiled_rasa.py runs the same `rasa run`).

    python benchmarks/run.py [--no-train] [--no-cluster] [--quick]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts" / "cluster"), str(ROOT / "benchmarks")]

from bot.rasa_files import NLG_ENDPOINT  # noqa: E402
from load import Result, closed_loop, growth, long_conversation, open_loop  # noqa: E402

BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "build" / "bench"
MODEL = Path(os.environ.get("CLUSTER_MODEL") or ROOT / "models" / "current.tar.gz")
START_TIMEOUT = 300.0
# What she does: questions in her words (NLU), moving about (actions and slots), a date.
PROJECT_SCRIPT = [
    "what is a child protection conference", "/nav_next", "what are my rights here",
    "what happens next", "go back", "the judge made the order on 3/11/2026 how long do i have to appeal",
    "/stage_section_47", "/nav_rights_here", "can i bring someone with me to the meeting",
]
STARTER_SCRIPT = ["hi", "I am feeling sad", "yes", "great", "bye", "are you a bot?", "hello there", "no"]
BASE_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONPATH": str(ROOT), "SANIC_HOST": "127.0.0.1"}


def say(line: str) -> None:
    print(line, flush=True)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def answers(url: str, message: str = "hi") -> bool:
    body = json.dumps({"sender": "bench-probe", "message": message}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return bool(json.loads(reply.read()))
    except (OSError, ValueError):
        return False


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Bot:
    """One Rasa server (and the project's action server) on loopback."""

    def __init__(self, name: str, cwd: Path, model: Path, credentials: Path, endpoints: Path,
                 script: list[str], with_actions: bool, port: int, actions_port: int, logs: Path,
                 profile_dir: Path | None = None):
        self.name, self.cwd, self.model = name, cwd, model
        self.credentials, self.endpoints, self.script = credentials, endpoints, script
        self.with_actions, self.port, self.actions_port, self.logs = with_actions, port, actions_port, logs
        self.url = f"http://127.0.0.1:{port}/webhooks/rest/webhook"
        self.rasa: subprocess.Popen | None = None
        # With a profile folder, Rasa runs under benchmarks/profiled_rasa.py (same arguments).
        self.profile_dir = profile_dir
        self.actions: subprocess.Popen | None = None

    def _popen(self, argv: list[str], log: str) -> subprocess.Popen:
        return subprocess.Popen(argv, cwd=self.cwd, env={**os.environ, **BASE_ENV}, stdin=subprocess.DEVNULL,
                                stdout=(self.logs / log).open("ab"), stderr=subprocess.STDOUT)

    def start(self) -> float:
        """Start; return the Rasa server's cold start: process start to first answer."""
        if self.with_actions:
            self.actions = self._popen([str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                                        "--port", str(self.actions_port)], f"{self.name}-actions.log")
            deadline = time.monotonic() + START_TIMEOUT
            while not http_ok(f"http://127.0.0.1:{self.actions_port}/health"):
                if time.monotonic() > deadline or self.actions.poll() is not None:
                    raise RuntimeError(f"{self.name}: the action server did not start")
                time.sleep(0.2)
        started = time.monotonic()
        rasa = ([str(BIN / "python"), str(ROOT / "benchmarks" / "profiled_rasa.py"), str(self.profile_dir)]
                if self.profile_dir else [str(BIN / "rasa")])
        self.rasa = self._popen([*rasa, "run", "--model", str(self.model), "--interface", "127.0.0.1",
                                 "--port", str(self.port), "--credentials", str(self.credentials),
                                 "--endpoints", str(self.endpoints)], f"{self.name}-rasa.log")
        deadline = started + START_TIMEOUT
        while not answers(self.url, self.script[0]):
            if time.monotonic() > deadline or self.rasa.poll() is not None:
                raise RuntimeError(f"{self.name}: Rasa did not answer; see {self.logs}")
            time.sleep(0.1)
        return time.monotonic() - started

    def memory(self) -> dict:
        return {"rasa_mb": round(rss_mb(self.rasa.pid)),
                **({"actions_mb": round(rss_mb(self.actions.pid))} if self.actions else {})}

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process:
                stop(process)


def load_figures(url: str, script: list[str], quick: bool) -> dict:
    """Closed loop at 1, 20 and 50 conversations, then Poisson arrivals at half the saturation rate."""
    seconds = 8 if quick else 20
    results: dict[str, Result] = {}
    for conversations in (1, 20, 50):
        results[f"closed_{conversations}"] = asyncio.run(closed_loop(url, script, conversations, seconds))
        say(f"    {results[f'closed_{conversations}'].summary()}")
    saturation = max(r.throughput for r in results.values())
    rate = saturation / 2
    results["open_half"] = asyncio.run(open_loop(url, script, rate, seconds * 1.5))
    say(f"    {results['open_half'].summary()} at {rate:.1f} arrivals/s")
    figures = {key: r.summary() for key, r in results.items()}
    figures["saturation_turns_per_s"] = round(saturation, 1)
    figures["saturation_at_20_turns_per_s"] = round(results["closed_20"].throughput, 1)
    figures["open_rate_per_s"] = round(rate, 1)
    return figures


def profile_window(bot: Bot, mode: str, seconds: float) -> Path:
    """One conversation at a time for `seconds` while the profiled Rasa records (a
    stopwatch per stage, or cProfile); returns the folder it wrote to."""
    out = bot.profile_dir
    (out / "mode").write_text(mode)
    bot.rasa.send_signal(signal.SIGUSR1)
    time.sleep(0.5)
    result = asyncio.run(closed_loop(bot.url, bot.script, 1, seconds, warmup=0.5))
    bot.rasa.send_signal(signal.SIGUSR2)
    deadline = time.monotonic() + 60
    while not (out / f"done-{mode}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    (out / f"turns-{mode}").write_text(str(len(result.latencies)))
    return out


def where_the_time_goes(bot: Bot, quick: bool) -> dict:
    """Milliseconds per turn in each stage of a turn, and the functions cProfile finds
    most costly in their own code, one conversation at a time."""
    import pstats
    seconds = 8 if quick else 20
    out = profile_window(bot, "stopwatch", seconds)
    turns = max(int((out / "turns-stopwatch").read_text()), 1)
    stages = json.loads((out / "stages-stopwatch.json").read_text())
    per_turn = {name: round(value["seconds"] * 1000 / turns, 2) for name, value in stages.items()}
    top = dict(sorted(per_turn.items(), key=lambda kv: -kv[1])[:25])
    say(f"    where a turn's time goes ({turns} turns, ms per turn):")
    for name, ms in top.items():
        say(f"      {ms:8.2f}  {name}")
    profile_window(bot, "cprofile", seconds)
    stats = pstats.Stats(str(out / "profile.pstats"))
    own = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:15]  # by time in the function itself
    functions = [{"function": f"{Path(file).name}:{line} {name}", "own_s": round(data[2], 3),
                  "calls": data[1]} for (file, line, name), data in own]
    say("    most costly functions under cProfile (own time):")
    for row in functions:
        say(f"      {row['own_s']:7.3f} s  {row['calls']:>8}  {row['function']}")
    return {"stage_ms_per_turn": top, "turns": turns, "cprofile_own_time": functions}


def measure_bot(bot: Bot, quick: bool) -> dict:
    say(f"== {bot.name}: cold start")
    try:
        cold = bot.start()
        say(f"    first answer {cold:.1f} s after the process started")
        figures = {"cold_start_s": round(cold, 1)}
        figures.update(load_figures(bot.url, bot.script, quick))
        figures["long_conversation"] = growth(asyncio.run(long_conversation(bot.url, bot.script)))
        say(f"    one conversation of 120 turns: {figures['long_conversation']}")
        if bot.profile_dir:
            figures["profile"] = where_the_time_goes(bot, quick)
        figures["memory"] = bot.memory()
        say(f"    resident memory {figures['memory']}")
        return figures
    finally:
        bot.stop()


def starter_bot(folder: Path) -> tuple[Path, float]:
    """`rasa init --no-prompt` (which also trains it) in a temporary folder."""
    say("== starter bot: rasa init --no-prompt (builds and trains it)")
    started = time.monotonic()
    subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)], cwd=folder,
                   env={**os.environ, **BASE_ENV}, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    model = sorted((folder / "models").glob("*.tar.gz"))[-1]
    say(f"    trained in {seconds:.0f} s")
    return model, seconds


def train_project(folder: Path) -> float:
    """Full training from scratch into a temporary folder (models/current.tar.gz is left alone)."""
    say("== this bot: full train (validate and train, no cache)")
    env = {**os.environ, **BASE_ENV}
    started = time.monotonic()
    subprocess.run([str(BIN / "python"), "-m", "bot.rasa_files"], cwd=ROOT, env=env, check=True)
    subprocess.run([str(BIN / "rasa"), "train", "--domain", "build/domain", "--data", "data", "build/data",
                    "--config", "config.yml", "--out", str(folder), "--fixed-model-name", "bench", "--quiet"],
                   cwd=ROOT, env={**env, "RASA_CACHE_DIRECTORY": str(folder / "cache")}, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.monotonic() - started
    say(f"    trained in {seconds:.0f} s")
    return seconds


def nlu_accuracy() -> float | None:
    say("== this bot: held-out NLU accuracy (tests/nlu)")
    run = subprocess.run([str(BIN / "python"), "scripts/nlu_eval.py", "--model", str(MODEL)], cwd=ROOT,
                         env={**os.environ, **BASE_ENV}, capture_output=True, text=True)
    found = re.search(r"Held-out intent accuracy: ([0-9.]+)", run.stdout)
    say(f"    {found.group(0) if found else 'not measured: ' + run.stderr[-300:]}")
    return float(found.group(1)) if found else None


def cluster_figures(quick: bool) -> dict:
    from cluster import Cluster, Ports
    say("== the cluster: nginx, two Rasa servers, PostgreSQL, Redis, actions")
    ports = Ports(nginx=35005, rasa=(35006, 35007), actions=35055, postgres=35432, redis=36379, web=35080)
    base = ROOT / "var" / "cluster-bench"
    cluster = Cluster(base=base, ports=ports, with_web=False, say=lambda line: say("    " + line))
    if base.exists():
        cluster.run_dir.mkdir(parents=True, exist_ok=True)
        cluster.stop_leftovers()
        shutil.rmtree(base)
    try:
        cluster.start()
        figures = load_figures(f"http://127.0.0.1:{ports.nginx}/webhooks/rest/webhook", PROJECT_SCRIPT, quick)
        figures["memory"] = {name: round(rss_mb(service.process.pid))
                             for name, service in cluster.services.items()
                             if service.process and rss_mb(service.process.pid) == rss_mb(service.process.pid)}
        say(f"    resident memory {figures['memory']} (MB; PostgreSQL and nginx: main process only)")
        return figures
    finally:
        cluster.stop()


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    rasa = subprocess.run([str(BIN / "python"), "-c", "import rasa; print(rasa.__version__)"],
                          capture_output=True, text=True).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "load_average_at_start": os.getloadavg(), "python": platform.python_version(), "rasa": rasa,
            "date": time.strftime("%Y-%m-%d %H:%M")}


def table(results: dict) -> str:
    bot, starter = results["bot"], results["starter"]

    def row(name: str, ours, theirs, unit: str = "") -> str:
        ratio = f"{ours / theirs:.2f}" if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)) and theirs else ""
        return f"| {name} | {ours}{unit} | {theirs}{unit} | {ratio} |"

    lines = ["| figure | this bot | starter bot | ratio |", "| --- | --- | --- | --- |"]
    for level in ("closed_1", "closed_20", "closed_50", "open_half"):
        for q in ("p50_ms", "p95_ms", "p99_ms"):
            lines.append(row(f"{level} {q}", bot[level][q], starter[level][q], " ms"))
    for q in ("turns_1_20_p50_ms", "turns_101_120_p50_ms", "ratio"):
        lines.append(row(f"one 120-turn conversation {q}", bot["long_conversation"][q],
                         starter["long_conversation"][q], "" if q == "ratio" else " ms"))
    lines.append(row("throughput, 20 conversations", bot["saturation_at_20_turns_per_s"],
                     starter["saturation_at_20_turns_per_s"], " turns/s"))
    lines.append(row("saturation (best closed loop)", bot["saturation_turns_per_s"], starter["saturation_turns_per_s"],
                     " turns/s"))
    lines.append(row("open-loop rate (half saturation)", bot["open_rate_per_s"], starter["open_rate_per_s"], "/s"))
    lines.append(row("cold start", bot["cold_start_s"], starter["cold_start_s"], " s"))
    lines.append(row("Rasa server resident memory", bot["memory"]["rasa_mb"], starter["memory"]["rasa_mb"], " MB"))
    lines.append(row("action server resident memory", bot["memory"].get("actions_mb"), "none", " MB"))
    lines.append(row("full train", results.get("train_s", "not run"), results["starter_train_s"], " s"))
    lines.append(row("held-out NLU accuracy", results.get("nlu_accuracy"), "none"))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-train", action="store_true", help="skip this bot's full train (about 4 minutes)")
    parser.add_argument("--no-cluster", action="store_true", help="skip the load through the cluster")
    parser.add_argument("--quick", action="store_true", help="8 s per load level instead of 20 (for trying it out)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine()}
    say(f"machine: {results['machine']}")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "starter").mkdir()
        starter_model, results["starter_train_s"] = starter_bot(tmp_path / "starter")
        results["starter_train_s"] = round(results["starter_train_s"])
        endpoints = tmp_path / "endpoints.yml"
        endpoints.write_text(
            "action_endpoint:\n  url: http://127.0.0.1:45055/webhook\n" + NLG_ENDPOINT +
            "tracker_store:\n  type: bot.channels.private_store.PrivateSQLTrackerStore\n"
            f"  dialect: sqlite\n  db: {tmp_path / 'tracker.db'}\n")
        results["bot"] = measure_bot(Bot("bot", ROOT, MODEL, ROOT / "credentials.yml", endpoints, PROJECT_SCRIPT,
                                         True, 45005, 45055, OUT, profile_dir=OUT / "profile"), args.quick)
        starter = tmp_path / "starter"
        results["starter"] = measure_bot(Bot("starter", starter, starter_model, starter / "credentials.yml",
                                             starter / "endpoints.yml", STARTER_SCRIPT, False, 45006, 0, OUT),
                                         args.quick)
        if not args.no_train:
            results["train_s"] = round(train_project(tmp_path / "train"))
    results["nlu_accuracy"] = nlu_accuracy()
    if not args.no_cluster:
        results["cluster"] = cluster_figures(args.quick)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    say("")
    say(table(results))
    if "cluster" in results:
        c = results["cluster"]
        say(f"\ncluster (nginx + 2 Rasa servers + PostgreSQL + Redis): 20 conversations {c['closed_20']}, "
            f"saturation {c['saturation_turns_per_s']} turns/s, open loop at {c['open_rate_per_s']}/s {c['open_half']}, "
            f"memory {c['memory']}")
    say(f"\nmachine: {results['machine']}\nresults: {OUT / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
