"""A fake Twilio-compatible gateway on 127.0.0.1 that records the texts it is asked to send."""
from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from twilio.request_validator import RequestValidator

ACCOUNT_SID = "ACtest0000000000000000000000000000"
AUTH_TOKEN = "test-auth-token"
FROM_NUMBER = "+447700900001"


@dataclass(frozen=True)
class Sent:
    path: str
    to: str
    sender: str
    body: str
    auth: str


class FakeGateway:
    """`down = True` answers 503, like a gateway having a bad minute; `stop()` closes the port."""

    def __init__(self, port: int = 0):
        self.sent: list[Sent] = []
        self.down = False
        self.attempts = 0
        self._lock = threading.Lock()
        self._port = port
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def env(self) -> dict[str, str]:
        return {"SMS_GATEWAY_URL": self.url, "SMS_ACCOUNT_SID": ACCOUNT_SID,
                "SMS_AUTH_TOKEN": AUTH_TOKEN, "SMS_FROM_NUMBER": FROM_NUMBER}

    def start(self) -> "FakeGateway":
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = min(int(self.headers.get("Content-Length") or 0), 100_000)
                raw = self.rfile.read(length)
                if len(raw) < length:  # the sender died mid-request: a real gateway sends nothing
                    return
                form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                with gateway._lock:
                    gateway.attempts += 1
                    if gateway.down:
                        self._answer(503, {"message": "unavailable"})
                        return
                    auth = base64.b64decode(self.headers.get("Authorization", "Basic ")[6:]).decode()
                    gateway.sent.append(Sent(self.path, form.get("To", ""), form.get("From", ""),
                                             form.get("Body", ""), auth))
                self._answer(201, {"sid": f"SM{len(gateway.sent):032d}", "status": "queued"})

            def _answer(self, status: int, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # keep test output quiet
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def to(self, number: str) -> list[str]:
        with self._lock:
            return [s.body for s in self.sent if s.to == number]

    def wait_for(self, number: str, count: int, timeout: float = 30) -> list[str]:
        """The texts sent to `number` once there are `count` of them (or at the timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.to(number)) < count:
            time.sleep(0.1)
        return self.to(number)


def signed(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> dict[str, str]:
    """Headers as the gateway sends them, signed with the official validator."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, form),
            "Content-Type": "application/x-www-form-urlencoded"}
