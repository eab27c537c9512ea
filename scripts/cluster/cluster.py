"""A whole region on one machine, on loopback: PostgreSQL (tracker store), Redis (lock
store), the action server, two Rasa servers and nginx in front on 127.0.0.1:5005, plus
the chat page on 127.0.0.1:8080 talking to nginx.

    python scripts/cluster/cluster.py run     # `make run-cluster`; Ctrl-C stops everything
    python scripts/cluster/cluster.py stop    # stop what a killed run left behind (pid files)

Everything lives in var/cluster/ (data, logs, pid files, generated secrets). A server
that dies is started again, as Kubernetes would (a few times at most). The Rasa
servers read endpoints.cluster.yml, whose values come from the environment set here.
tests/cluster/ drives the same class to kill servers on purpose.
"""
from __future__ import annotations

import argparse
import ctypes
import hashlib
import json
import os
import pwd
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
PR_SET_PDEATHSIG = 1
MAX_RESTARTS = 5            # per service and run: a server that keeps dying needs a person
START_TIMEOUT = 240.0       # two Rasa servers loading at once on 2 cores take about a minute
STOP_TIMEOUT = 20.0


@dataclass
class Ports:
    nginx: int = 5005
    rasa: tuple[int, ...] = (5006, 5007)
    actions: int = 5055
    postgres: int = 55432
    redis: int = 56379
    web: int = 8080


@dataclass
class Service:
    name: str
    argv: list[str]
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    user: Optional[str] = None          # run as this user (PostgreSQL refuses root)
    stop_signal: int = signal.SIGTERM
    process: Optional[subprocess.Popen] = None
    restarts: int = 0
    held: bool = False


def _die_with_parent(user: Optional[str]) -> Callable[[], None]:
    """Runs in the child before exec: drop to `user`, then ask the kernel to stop the
    child if this supervisor dies (so a killed run leaves nothing listening)."""
    ids = pwd.getpwnam(user) if user else None

    def prepare() -> None:
        if ids:
            os.setgid(ids.pw_gid)
            os.initgroups(ids.pw_name, ids.pw_gid)
            os.setuid(ids.pw_uid)
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    return prepare


def http_ok(url: str, timeout: float = 2.0, headers: Optional[dict] = None) -> bool:
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return 200 <= reply.status < 300
    except OSError:
        return False


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start_time(pid: int) -> str:
    """When the process started (clock ticks since boot), or "" if it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def still_running(pid: int) -> bool:
    """True if the process is there and not a zombie: Popen reports an exit (code 0)
    when its child was reaped elsewhere, and starting a second copy then fails on
    a port that is still taken."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL is not installed: run scripts/cluster/install.sh")
    return found[-1].parent


class Cluster:
    def __init__(self, base: Path = ROOT / "var" / "cluster", ports: Ports = Ports(),
                 model: Path | None = None, with_web: bool = True,
                 say: Callable[[str], None] = print, rasa_env: dict[str, str] | None = None):
        self.base, self.ports, self.say = base, ports, say
        self.rasa_env = dict(rasa_env or {})  # e.g. a test's SMS gateway
        self.model = Path(model or os.environ.get("CLUSTER_MODEL") or ROOT / "models" / "current.tar.gz")
        self.with_web = with_web
        self.logs, self.run_dir = base / "logs", base / "run"
        self.services: dict[str, Service] = {}
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.supervisor: Optional[threading.Thread] = None
        self.secrets: dict[str, str] = {}
        self.launches: queue.Queue = queue.Queue()

    # ------------------------------------------------------------------ settings
    def _load_secrets(self) -> None:
        path = self.base / "secrets.json"
        if path.exists():
            self.secrets = json.loads(path.read_text())
        for key in ("postgres_password", "redis_password", "api_token", "sender_hash_key"):
            self.secrets.setdefault(key, secrets.token_urlsafe(24))
        path.write_text(json.dumps(self.secrets))
        path.chmod(0o600)

    def store_env(self) -> dict[str, str]:
        """What the Rasa servers read: endpoints.cluster.yml's values (README: "Running on
        several servers") and the SMS settings."""
        return {
            "ACTION_SERVER_URL": f"http://127.0.0.1:{self.ports.actions}/webhook",
            "POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": str(self.ports.postgres),
            "POSTGRES_DB": "carebot", "POSTGRES_USER": "carebot",
            "POSTGRES_PASSWORD": self.secrets["postgres_password"],
            "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(self.ports.redis),
            "REDIS_PASSWORD": self.secrets["redis_password"], "REDIS_DB": "1",
            # SMS: every server shares the STOP flags, answered ids, choices and outbox
            # in PostgreSQL, and checks signatures against the URL the gateway posts to.
            "SMS_STATE_DB": "tracker", "SENDER_HASH_KEY": self.secrets["sender_hash_key"],
            "SMS_PUBLIC_URL": self.sms_url,
        }

    @property
    def sms_url(self) -> str:
        """Where an SMS gateway posts: nginx, which routes each texter to one server."""
        return f"http://127.0.0.1:{self.ports.nginx}/webhooks/sms/webhook"

    def _env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
                "SANIC_HOST": "127.0.0.1", **(extra or {})}

    @property
    def api_token(self) -> str:
        return self.secrets["api_token"]

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports.rasa[index]}"

    # ------------------------------------------------------------------ PostgreSQL
    def _pg_dirs(self) -> tuple[Path, Path]:
        """Data and socket folders the postgres user can reach (a clone under a private
        home folder cannot be: then they go to /var/tmp, still one per clone)."""
        home = self.base / "pg"
        home.mkdir(parents=True, exist_ok=True)
        shutil.chown(home, "postgres", "postgres")
        reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(home)]).returncode == 0
        if not reachable:
            home = Path("/var/tmp") / f"carebot-cluster-{hashlib.sha1(str(self.base).encode()).hexdigest()[:10]}"
            home.mkdir(mode=0o700, exist_ok=True)
            shutil.chown(home, "postgres", "postgres")
        run = home / "socket"
        run.mkdir(mode=0o700, exist_ok=True)
        shutil.chown(run, "postgres", "postgres")
        return home / "data", run

    def _postgres(self) -> Service:
        binary = postgres_bin()
        data, sockets = self._pg_dirs()
        if not (data / "PG_VERSION").exists():
            self.say("cluster: creating the PostgreSQL data folder")
            subprocess.run(["runuser", "-u", "postgres", "--", str(binary / "initdb"), "-D", str(data),
                            "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256",
                            "--encoding=UTF8", "--locale=C.UTF-8"],
                           check=True, stdout=subprocess.DEVNULL)
        self.pg_sockets = sockets
        port = self.ports.postgres
        argv = [str(binary / "postgres"), "-D", str(data), "-c", "listen_addresses=127.0.0.1",
                "-c", f"port={port}", "-c", f"unix_socket_directories={sockets}",
                "-c", "max_connections=200",
                # A failed statement could carry stored values into the log: never log them.
                "-c", "log_min_error_statement=panic"]
        ready_bin = str(binary / "pg_isready")
        return Service("postgres", argv, user="postgres", stop_signal=signal.SIGINT,
                       ready=lambda: subprocess.run([ready_bin, "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode == 0)

    def _postgres_user(self) -> None:
        """The bot's role and database, with this run's password (peer login over the private socket)."""
        binary = postgres_bin()
        password = self.secrets["postgres_password"].replace("'", "''")
        psql = ["runuser", "-u", "postgres", "--", str(binary / "psql"), "-h", str(self.pg_sockets),
                "-p", str(self.ports.postgres), "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qtA"]
        exists = subprocess.run(psql + ["-c", "SELECT 1 FROM pg_roles WHERE rolname='carebot'"],
                                check=True, capture_output=True, text=True).stdout.strip()
        verb = "ALTER" if exists else "CREATE"
        subprocess.run(psql + ["-c", f"{verb} ROLE carebot LOGIN PASSWORD '{password}'"], check=True,
                       stdout=subprocess.DEVNULL)
        has_db = subprocess.run(psql + ["-c", "SELECT 1 FROM pg_database WHERE datname='carebot'"],
                                check=True, capture_output=True, text=True).stdout.strip()
        if not has_db:
            subprocess.run(psql + ["-c", "CREATE DATABASE carebot OWNER carebot"], check=True,
                           stdout=subprocess.DEVNULL)

    # ------------------------------------------------------------------ the others
    def _redis(self) -> Service:
        folder = self.base / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "redis.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.ports.redis}\nprotected-mode yes\ndaemonize no\n"
            f"requirepass {self.secrets['redis_password']}\n"
            # Locks live seconds: nothing to keep on disk.
            f"save \"\"\nappendonly no\ndir {folder}\nlogfile {self.logs / 'redis.log'}\n")
        config.chmod(0o600)

        def ready() -> bool:
            import redis
            try:
                return bool(redis.Redis(host="127.0.0.1", port=self.ports.redis,
                                        password=self.secrets["redis_password"], socket_timeout=1).ping())
            except Exception:
                return False
        return Service("redis", ["redis-server", str(config)], ready=ready)

    def _actions(self) -> Service:
        return Service("actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                   "--port", str(self.ports.actions)],
                       ready=lambda: http_ok(f"http://127.0.0.1:{self.ports.actions}/health"))

    def _rasa(self, index: int) -> Service:
        port = self.ports.rasa[index]
        web = [f"http://127.0.0.1:{self.ports.web}", f"http://localhost:{self.ports.web}"]
        argv = [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--interface", "127.0.0.1",
                "--port", str(port), "--credentials", str(ROOT / "credentials.yml"),
                "--endpoints", str(ROOT / "endpoints.cluster.yml"),
                # The HTTP API (trackers) on loopback only, behind a token; nginx never routes to it.
                "--enable-api", f"--auth-token={self.api_token}", "--cors", *web]
        return Service(f"rasa-{index + 1}", argv, env={**self.store_env(), **self.rasa_env},
                       ready=lambda: http_ok(f"http://127.0.0.1:{port}/webhooks/rest/"))

    def _nginx(self) -> Service:
        run = self.run_dir / "nginx"
        run.mkdir(parents=True, exist_ok=True)
        # max_fails=0: never mark a server down. A dead one refuses the connection at
        # once (then the next is tried), and a restarted one gets its conversations back
        # as soon as it listens; marking both down in a burst of errors would answer
        # "no live upstreams" while one was well.
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in self.ports.rasa)
        text = (HERE / "nginx.conf.template").read_text()
        for mark, value in {"@RUN@": str(run), "@LOGS@": str(self.logs), "@PORT@": str(self.ports.nginx),
                            "@RASA_SERVERS@": servers}.items():
            text = text.replace(mark, value)
        config = self.base / "nginx.conf"
        config.write_text(text)
        subprocess.run(["nginx", "-t", "-q", "-p", str(run), "-c", str(config)], check=True)
        return Service("nginx", ["nginx", "-p", str(run), "-c", str(config), "-g", "daemon off;"],
                       stop_signal=signal.SIGQUIT,
                       ready=lambda: http_ok(f"http://127.0.0.1:{self.ports.nginx}/health"))

    def _web(self) -> Service:
        env = {"BOT_URL": f"http://127.0.0.1:{self.ports.nginx}", "WEB_PORT": str(self.ports.web)}
        return Service("web", [str(VENV_BIN / "python"), "-m", "bot.web.server"], env=env,
                       ready=lambda: http_ok(f"http://127.0.0.1:{self.ports.web}/"))

    # ------------------------------------------------------------------ processes
    def _pidfile(self, service: Service) -> Path:
        return self.run_dir / f"{service.name}.pid"

    def launch(self, service: Service) -> None:
        """Start a service's process. Only the main thread and the supervisor start
        processes: the kernel stops a child when the thread that started it ends
        (PR_SET_PDEATHSIG), so other threads hand the start to the supervisor."""
        if threading.current_thread() in (threading.main_thread(), self.supervisor):
            self._launch(service)
            return
        done = threading.Event()
        self.launches.put((service, done))
        if not done.wait(30):
            raise TimeoutError(f"the supervisor did not start {service.name}")

    def _launch(self, service: Service) -> None:
        log = (self.logs / f"{service.name}.log").open("ab")
        service.process = subprocess.Popen(
            service.argv, cwd=ROOT, env=self._env(service.env), stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent(service.user))
        log.close()
        pid = service.process.pid
        self._pidfile(service).write_text(f"{pid} {start_time(pid)}")

    def wait_ready(self, names: list[str], timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        waiting = list(names)
        while waiting and time.monotonic() < deadline:
            for name in list(waiting):
                service = self.services[name]
                if service.process and service.process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {service.process.returncode} while starting; "
                                       f"see {self.logs / (name + '.log')}")
                if service.ready():
                    waiting.remove(name)
            time.sleep(0.3)
        if waiting:
            raise TimeoutError(f"not ready after {timeout:.0f} s: {', '.join(waiting)}")

    def stop_service(self, name: str, timeout: float = STOP_TIMEOUT) -> None:
        service = self.services[name]
        process = service.process
        if process and process.poll() is None:
            process.send_signal(service.stop_signal)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self._pidfile(service).unlink(missing_ok=True)

    def kill(self, name: str) -> int:
        """SIGKILL, as a crash would: for the failover test. The supervisor starts it again."""
        process = self.services[name].process
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)
        return process.pid

    def restart(self, name: str) -> float:
        """Stop and start one service, waiting until it answers; returns the seconds it was down."""
        service = self.services[name]
        service.held = True  # the supervisor must not start it while it is meant to be down
        try:
            started = time.monotonic()
            self.stop_service(name)
            self.launch(service)
        finally:
            service.held = False
        self.wait_ready([name])
        return time.monotonic() - started

    def stop_leftovers(self) -> None:
        """Stop processes a previous run started and left (it was killed): by pid file only."""
        for pidfile in sorted(self.run_dir.glob("*.pid")):
            try:
                pid_text, started = pidfile.read_text().split()
                pid = int(pid_text)
            except ValueError:
                pidfile.unlink(missing_ok=True)
                continue
            if start_time(pid) == started:  # the same process, not a reused pid
                self.say(f"cluster: stopping {pidfile.stem} (pid {pid}) left by an earlier run")
                os.kill(pid, signal.SIGINT if pidfile.stem == "postgres" else signal.SIGTERM)
                for _ in range(100):
                    if not Path(f"/proc/{pid}").exists():
                        break
                    time.sleep(0.2)
            pidfile.unlink(missing_ok=True)

    # ------------------------------------------------------------------ whole cluster
    def start(self) -> None:
        for folder in (self.base, self.logs, self.run_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o711)  # postgres (not root) must pass through to its own folder
        self.stop_leftovers()
        if not self.model.exists():
            raise SystemExit(f"no model at {self.model}: run `make train` first")
        ports = [self.ports.nginx, *self.ports.rasa, self.ports.actions, self.ports.postgres, self.ports.redis]
        ports += [self.ports.web] if self.with_web else []
        busy = [port for port in ports if port_in_use(port)]
        if busy:
            raise SystemExit(f"ports in use on 127.0.0.1: {busy} (is `make run` running? stop it first)")
        started = time.monotonic()
        self.start_stores()
        self.services["actions"] = self._actions()
        for index in range(len(self.ports.rasa)):
            self.services[f"rasa-{index + 1}"] = self._rasa(index)
        self.services["nginx"] = self._nginx()
        if self.with_web:
            self.services["web"] = self._web()
        for name in self.services:
            if name not in ("postgres", "redis"):
                self.launch(self.services[name])
        self.wait_ready([name for name in self.services if name not in ("postgres", "redis")])
        self.say(f"cluster: up in {time.monotonic() - started:.0f} s")
        self.supervisor = threading.Thread(target=self._supervise, name="cluster-supervisor", daemon=True)
        self.supervisor.start()

    def start_stores(self, names: tuple[str, ...] = ("postgres", "redis")) -> None:
        """The shared stores only: the first step of `start`, and on their own for tests of
        what several servers share (the reminder sender's lock on PostgreSQL)."""
        for folder in (self.base, self.logs, self.run_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o711)  # postgres (not root) must pass through to its own folder
        self._load_secrets()
        makers = {"postgres": self._postgres, "redis": self._redis}
        for name in names:
            self.services[name] = makers[name]()
            self.launch(self.services[name])
        self.wait_ready(list(names), timeout=60)
        if "postgres" in names:
            self._postgres_user()

    @property
    def postgres_url(self) -> str:
        """The bot's database, as SQLAlchemy names it (what endpoints.cluster.yml builds)."""
        return (f"postgresql://carebot:{urllib.parse.quote(self.secrets['postgres_password'], safe='')}"
                f"@127.0.0.1:{self.ports.postgres}/carebot")

    def _supervise(self) -> None:
        while not self.stopping.wait(0.2):
            while not self.launches.empty():
                service, done = self.launches.get()
                self._launch(service)
                done.set()
            with self.lock:
                for service in self.services.values():
                    if (self.stopping.is_set() or service.held or not service.process
                            or service.process.poll() is None or still_running(service.process.pid)):
                        continue
                    if service.restarts >= MAX_RESTARTS:
                        continue
                    service.restarts += 1
                    self.say(f"cluster: {service.name} exited ({service.process.returncode}); "
                             f"starting it again ({service.restarts}/{MAX_RESTARTS})")
                    self.launch(service)

    def stop(self) -> None:
        self.stopping.set()
        if self.supervisor:
            self.supervisor.join(timeout=5)
        with self.lock:
            # Front door first, stores last, so no turn is cut off from its store.
            for name in ("web", "nginx", "rasa-1", "rasa-2", "rasa-3", "actions", "redis", "postgres"):
                if name in self.services:
                    self.stop_service(name)

    def status(self) -> dict[str, bool]:
        return {name: bool(service.process and service.process.poll() is None and service.ready())
                for name, service in self.services.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "stop"])
    args = parser.parse_args()
    cluster = Cluster()
    if args.command == "stop":
        cluster.run_dir.mkdir(parents=True, exist_ok=True)
        cluster.stop_leftovers()
        return
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        cluster.start()
        cluster.say(f"cluster: the bot on http://127.0.0.1:{cluster.ports.nginx} (nginx -> Rasa on "
                    f"{', '.join(str(p) for p in cluster.ports.rasa)}), the chat page on "
                    f"http://127.0.0.1:{cluster.ports.web}/; logs in {cluster.logs}. Ctrl-C stops everything.")
        stop.wait()
    finally:
        cluster.say("cluster: stopping")
        cluster.stop()


if __name__ == "__main__":
    main()
