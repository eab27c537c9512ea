"""The chat page server: headers, words from content, escaping, and the scripts folder."""
from __future__ import annotations

import asyncio
import dataclasses
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.render import Renderer
from bot.web import pages
from bot.web.server import create_app, settings_from_env
from tests.conftest import ROOT

BOT = "http://127.0.0.1:5999"


def run(coroutine):
    """Run on a loop of its own thread: Playwright's sync API may hold this thread's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result(timeout=60)


def fetch(app, *paths):
    """GET each path from the app on a loopback test server; returns (status, headers, text)."""
    async def go():
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            results = []
            for path in paths:
                reply = await client.get(path)
                results.append((reply.status, reply.headers, await reply.text()))
            return results
    return run(go())


def raw_status(app, raw_path: str) -> int:
    """The status for a request line sent byte for byte (a client would tidy `..` away)."""
    async def go():
        async with TestServer(app, host="127.0.0.1") as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(f"GET {raw_path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 10)
            writer.close()
            return int(status_line.split()[1])
    return run(go())


@pytest.fixture
def settings(tmp_path):
    return pages.WebSettings(bot_url=BOT, exit_url="http://localhost:1/weather", scripts_dir=tmp_path / "scripts")


def test_pages_carry_a_strict_csp_and_privacy_headers(settings, renderer):
    for status, headers, _ in fetch(create_app(settings, renderer), "/", "/exit-help"):
        assert status == 200
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert f"connect-src 'self' {BOT};" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_the_page_has_no_inline_code_and_loads_nothing_from_elsewhere(settings, renderer):
    [(_, _, html)] = fetch(create_app(settings, renderer), "/")
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    for attributes, body in scripts:
        assert 'type="application/json"' in attributes or body == "", "no inline code: CSP forbids it"
    assert not re.search(r"""(?:src|href)="(?:https?:)?//""", html), "every script, style and link is local"
    assert f'data-bot-url="{BOT}"' in html and 'data-exit-url="http://localhost:1/weather"' in html


def test_widget_words_come_from_content_labels(settings, tmp_path):
    # An editor's change to content/labels.yml is what the page shows, with no code change.
    import json
    import shutil

    from bot.content import load
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    labels = root / "labels.yml"
    labels.write_text(labels.read_text(encoding="utf-8").replace("  send: Send\n", "  send: Send it\n"),
                      encoding="utf-8")
    [(status, headers, body)] = fetch(create_app(settings, Renderer(load(root))), "/widget-config.json")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    config = json.loads(body)
    assert config["words"]["send"] == "Send it"
    assert config["greeting"][0]["content_id"] == "meta/greet"
    assert config["bot_url"] == BOT and config["exit_url"] == "http://localhost:1/weather"
    assert config["forget_payload"] == "/meta_forget_me" and config["quick_exit_payload"] == "/safety_quick_exit"


def test_widget_config_names_the_leave_buttons_the_map_and_the_clock(settings, renderer, content):
    config = pages.widget_config(renderer, settings)
    assert config["words"]["quick_exit"] == "How to stay safe online", "it explains how to leave; it does not leave"
    assert content.labels["leave_page"] in config["leave_titles"] and content.labels["exit_page"] in config["leave_titles"]
    assert "safety/danger" in config["leave_after"] and all(i.startswith("safety/") for i in config["leave_after"])
    assert config["pinned_payloads"] == ["/help_talk_to_person"]
    assert config["journey_path"] == "/journey.json"
    assert config["clock"] == {"content_id": "dates/proceedings-deadline", "part": "result", "weeks": 26}


def test_journey_json_is_served_from_content(settings, renderer, content):
    [(status, headers, body)] = fetch(create_app(settings, renderer), "/journey.json")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*" and headers["Cache-Control"] == "no-store"
    data = __import__("json").loads(body)
    stages = [stage for group in data["groups"] for stage in group["stages"]]
    assert [s["id"] for s in stages] == list(content.stage_order)
    icpc = next(s for s in stages if s["id"] == "stage/icpc")
    assert icpc["payload"] == "/stage_icpc" and icpc["title"] == content.item("stage/icpc").title


def test_crisis_numbers_are_kept_for_the_offline_state_and_the_no_script_page(settings, renderer, content):
    lines = pages.help_lines(renderer)
    for service in ("samaritans", "emergency"):
        assert any(content.services[service]["phone"] in line for line in lines)
    assert not any("still here" in line for line in lines), "the chat is down: do not promise to keep talking"
    [(_, _, html)] = fetch(create_app(settings, renderer), "/")
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S).group(1)
    assert content.labels["no_script"] in noscript and 'href="tel:999"' in noscript


def test_only_dialled_numbers_become_call_links(content):
    tels = {p["tel"] for p in pages.phone_links(content)}
    assert "116123" in tels and "999" in tels
    assert "55" not in tels, "Silent Solution's 55 is pressed during a call, not dialled"


def test_words_are_escaped_on_the_page(settings, content):
    labels = {**content.labels, "page_title": "<script>alert(1)</script>", "exit_page": "</script><b>x"}
    hostile = Renderer(dataclasses.replace(content, labels=labels))
    [(_, _, html)] = fetch(create_app(settings, hostile), "/")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "</script><b>x" not in html, "the JSON for the widget cannot close its script element"


def test_scripts_folder_is_served_when_present_and_nothing_outside_it(settings, renderer, tmp_path):
    [(_, _, html), (missing, _, _)] = fetch(create_app(settings, renderer), "/", "/scripts/")
    assert 'href="/scripts/"' not in html and missing == 404
    settings.scripts_dir.mkdir()
    (settings.scripts_dir / "index.html").write_text("<!doctype html><title>s</title><p>scripts</p>")
    (tmp_path / "secret.txt").write_text("secret")
    results = fetch(create_app(settings, renderer), "/", "/scripts/")
    assert 'href="/scripts/"' in results[0][2]
    assert results[1][0] == 200 and "scripts" in results[1][2]
    assert "script-src" not in results[1][1]["Content-Security-Policy"], "printed scripts run no code"
    assert raw_status(create_app(settings, renderer), "/scripts/index.html") == 200
    for sneaky in ("/scripts/../secret.txt", "/scripts/%2e%2e/secret.txt", "/scripts/..%2fsecret.txt"):
        assert raw_status(create_app(settings, renderer), sneaky) == 404, sneaky


def test_settings_fail_at_start_on_a_bad_address():
    with pytest.raises(ValueError):
        settings_from_env({"BOT_URL": "127.0.0.1:5005"})
    assert settings_from_env({"RASA_PORT": "5010"}).bot_url == "http://127.0.0.1:5010"
