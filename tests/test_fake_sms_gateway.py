"""The fake gateway behaves like a real one where the failover test relies on it: a
request cut off by a killed server sends nothing (it would otherwise be counted as a
text to a stranger's number)."""
from __future__ import annotations

import socket
from urllib.parse import urlencode, urlparse

from tests.fake_sms_gateway import FakeGateway


def _post(gateway: FakeGateway, body: bytes, declared: int) -> None:
    address = urlparse(gateway.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as conn:
        conn.sendall(b"POST /Messages.json HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {declared}\r\n\r\n".encode() + body)
        conn.shutdown(socket.SHUT_WR)  # the sender dies here
        conn.recv(1024)


def test_a_request_cut_off_sends_nothing_and_a_whole_one_is_sent():
    gateway = FakeGateway().start()
    try:
        form = urlencode({"To": "+447700900123", "From": "+447700900001", "Body": "hello"}).encode()
        _post(gateway, form[:12], declared=len(form))
        assert gateway.sent == []
        _post(gateway, form, declared=len(form))
        assert [(s.to, s.body) for s in gateway.sent] == [("+447700900123", "hello")]
    finally:
        gateway.stop()
