"""Browser tests: Debian's Chromium driven by Playwright against the real web server.

`scripts/install-browser-tests.sh` installs Chromium, Playwright and axe-core. Every
server listens on 127.0.0.1 on a free port; every request the browser makes is
recorded, and a test fails if any leaves this machine.
"""
from __future__ import annotations

import html
import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.live.servers import Servers, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without these Chromium keeps trying to reach the internet (updates, sync, field trials).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
MODEL = ROOT / "models" / "current.tar.gz"
ARTEFACTS = ROOT / "build" / "artefacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
PHONE = {"width": 360, "height": 740}
REPLY_TIMEOUT_MS = 90_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's Chromium against the real web server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------- servers
class WebServer:
    """`python -m bot.web.server` on 127.0.0.1, pointed at a bot and a neutral exit page."""

    def __init__(self, workdir: Path, bot_url: str, exit_url: str, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ, "PYTHONPATH": str(ROOT), "WEB_INTERFACE": "127.0.0.1", "WEB_PORT": str(self.port),
            "BOT_URL": bot_url, "WIDGET_EXIT_URL": exit_url,
        }
        self.log = workdir / f"web-{self.port}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.web.server"], cwd=ROOT, env=env,
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_until_up(self.url + "/", self.process, timeout=60)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


class _NeutralPages(BaseHTTPRequestHandler):
    """Stands in for the neutral site (a weather page), whatever she was on before, and a
    partner site that embeds the widget: /partner?chat=<web server>&bot=<bot>&exit=<address>."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        title = html.escape(parts.path)
        embed = ""
        if parts.path == "/partner":
            given = {key: values[0] for key, values in parse_qs(parts.query).items()}
            embed = (f'<script src="{html.escape(given["chat"])}/widget.js" data-bot-url="{html.escape(given["bot"])}" '
                     f'data-exit-url="{html.escape(given["exit"])}" defer></script>')
        body = (f"<!doctype html><html lang='en'><title>{title}</title>"
                f"<main><h1>{title}</h1>{embed}</main></html>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="session")
def neutral_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def offline_web(workdir, neutral_site):
    """The web server with the bot's address on a closed port: the chat cannot be reached.

    Tests that need set replies (markup, links, timing) answer for the bot with page.route.
    """
    server = WebServer(workdir, bot_url=f"http://127.0.0.1:{free_port()}", exit_url=neutral_site + "/weather")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_web(workdir, neutral_site):
    """The web server and a real bot (Rasa with the trained model, and the action server)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first (make test does)")
    port = free_port()
    (workdir / "bot").mkdir(exist_ok=True)
    bot = Servers(workdir / "bot", rasa_port=free_port(), actions_port=free_port(),
                  cors=[f"http://127.0.0.1:{port}"])
    web = None
    try:
        bot.start_actions()
        bot.start_rasa()
        web = WebServer(workdir, bot_url=f"http://127.0.0.1:{bot.rasa_port}",
                        exit_url=neutral_site + "/weather", port=port)
        yield web
    finally:
        if web:
            web.stop()
        bot.stop()


# ------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run scripts/install-browser-tests.sh (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """One browser context: its pages, every request they made, and what the console said."""
    context: object
    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def hosts_off_machine(self) -> list[str]:
        return [
            url for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def visit(browser, request):
    """A fresh context, phone-sized unless the test's param gives a `viewport`;
    afterwards, no request may have left this machine."""
    options = dict(getattr(request, "param", None) or {})
    context = browser.new_context(viewport=options.pop("viewport", PHONE), **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    visit = Visit(context, page)
    context.on("request", lambda r: visit.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    try:
        yield visit
    finally:
        context.close()
    assert visit.hosts_off_machine() == [], "the page made requests that left this machine"
    assert [e for e in visit.console_errors if "Content Security Policy" in e] == [], "the page broke its own CSP"


def answer_as_bot(page, replies_for, status: int = 200):
    """Answer the widget's messages for the bot with `replies_for(message) -> list`.

    The bot is on another origin, so the answer carries the CORS headers Rasa would send.
    Returns the list of (sender header, JSON body) the widget sent.
    """
    sent = []
    cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "content-type, x-sender-id",
            "Access-Control-Allow-Methods": "POST, OPTIONS"}

    def handle(route):
        req = route.request
        if req.method == "OPTIONS":
            route.fulfill(status=204, headers=cors)
            return
        body = json.loads(req.post_data or "{}")
        sent.append((req.headers.get("x-sender-id"), body))
        route.fulfill(status=status, headers=cors, content_type="application/json",
                      body=json.dumps(replies_for(body.get("message"))))

    page.route("**/webhooks/rest/webhook", handle)
    return sent


# Resolves once no scroll position in the page has moved for 10 frames in a row (at most 3 s).
SCROLL_SETTLED = """() => new Promise(done => {
  const at = () => [window.scrollY, ...Array.from(document.querySelectorAll('*'))
                     .filter(e => e.scrollHeight > e.clientHeight).map(e => e.scrollTop)].join(',');
  let last = at(), still = 0, frames = 0;
  const tick = () => {
    const now = at();
    still = now === last ? still + 1 : 0; last = now; frames += 1;
    if (still >= 10 || frames > 180) done(); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page (WCAG 2.0-2.2 A and AA, and best practice)."""
    # A smooth scroll still under way leaves a button half under the sticky bar for a
    # moment; axe would report that passing state (seen on slow CI cores), so wait it out.
    page.evaluate(SCROLL_SETTLED)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag', values:
             ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
