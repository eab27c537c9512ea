"""Start the real action server and Rasa server on loopback for live tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

from bot.rasa_files import NLG_ENDPOINT

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class Servers:
    """An action server and a Rasa server, both on 127.0.0.1, with their own SQLite file."""

    # The store endpoints.yml uses; a test may set "SQL" to compare with Rasa's own.
    tracker_store_type = "bot.channels.private_store.PrivateSQLTrackerStore"

    def __init__(self, workdir: Path, rasa_port: int = 15005, actions_port: int = 15055, cors: Sequence[str] = (),
                 env: dict[str, str] | None = None):
        self.workdir = workdir
        self.extra_env = dict(env or {})  # e.g. the SMS gateway settings
        self.rasa_port, self.actions_port = rasa_port, actions_port
        self.cors = tuple(cors)  # page origins allowed to call Rasa from a browser (the web widget)
        self.db = workdir / "tracker.db"
        self.logs = {name: workdir / f"{name}.log" for name in ("actions", "rasa")}
        self.procs: dict[str, subprocess.Popen] = {}

    def _env(self) -> dict:
        return {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1",
                **self.extra_env}

    def start_actions(self) -> None:
        self.procs["actions"] = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.actions_port)],
            cwd=ROOT, env=self._env(), stdout=self.logs["actions"].open("ab"), stderr=subprocess.STDOUT,
        )
        wait_until_up(f"http://127.0.0.1:{self.actions_port}/health", self.procs["actions"])

    def stop_actions(self) -> None:
        process = self.procs.pop("actions", None)
        if process:
            process.terminate()
            process.wait(timeout=30)

    def start_rasa(self) -> None:
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f"action_endpoint:\n  url: http://127.0.0.1:{self.actions_port}/webhook\n{NLG_ENDPOINT}"
            f"tracker_store:\n  type: {self.tracker_store_type}\n  dialect: sqlite\n  db: {self.db}\n"
        )
        self.procs["rasa"] = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", str(ROOT / "models" / "current.tar.gz"),
             "--interface", "127.0.0.1", "--port", str(self.rasa_port),
             "--credentials", str(ROOT / "credentials.yml"), "--endpoints", str(endpoints),
             *(["--cors", *self.cors] if self.cors else [])],
            cwd=ROOT, env=self._env(), stdout=self.logs["rasa"].open("ab"), stderr=subprocess.STDOUT,
        )
        wait_until_up(f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/", self.procs["rasa"])

    def stop(self) -> None:
        for process in self.procs.values():
            process.terminate()
        for process in self.procs.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.procs.clear()

    @contextmanager
    def running(self):
        """Both servers up for the block, always stopped after it."""
        try:
            self.start_actions()
            self.start_rasa()
            yield self
        finally:
            self.stop()

    def say(self, sender: str, message, timeout: float = 30) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook", data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return json.loads(reply.read())
