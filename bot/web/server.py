"""The chat page and the embeddable widget: `python -m bot.web.server`.

Serves `/` (a page with the widget), `/widget.js` and `/widget.css` (what partner
sites embed with one script tag), `/widget-config.json` (the widget's words, from
content/), `/journey.json` (the "Where am I?" map, from bot/journey.py),
`/exit-help` and the printable advocate scripts under `/scripts/`.
The browser talks to Rasa directly; this server never sees what she types.

Settings (environment): WEB_INTERFACE (127.0.0.1), WEB_PORT (8080), BOT_URL
(http://127.0.0.1:$RASA_PORT), WIDGET_EXIT_URL (the neutral site for "Exit this page").
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.content import default_content
from bot.journey import journey_json
from bot.render import Renderer
from bot.web import pages

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STATIC = HERE / "static"
# GOV.UK's "Exit this page" goes to a weather page by default; embedding sites choose their own.
DEFAULT_EXIT_URL = "https://www.bbc.co.uk/weather"

SETTINGS = web.AppKey("settings", pages.WebSettings)
RENDERER = web.AppKey("renderer", Renderer)
TEMPLATES = web.AppKey("templates", Environment)

logger = logging.getLogger(__name__)


def settings_from_env(env=os.environ) -> pages.WebSettings:
    bot_url = env.get("BOT_URL") or f"http://127.0.0.1:{env.get('RASA_PORT', '5005')}"
    exit_url = env.get("WIDGET_EXIT_URL") or DEFAULT_EXIT_URL
    pages.origin_of(bot_url), pages.origin_of(exit_url)  # fail at start-up on a typo
    return pages.WebSettings(bot_url=bot_url, exit_url=exit_url, scripts_dir=ROOT / "build" / "scripts")


def page_csp(settings: pages.WebSettings) -> str:
    """Our pages load only from here and talk only to here and the bot."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
        f"connect-src 'self' {pages.origin_of(settings.bot_url)}; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


# Printed scripts may carry their own print styles but never run code.
DOCUMENT_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Privacy and safety headers on every response, errors included."""
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    # Nothing in the browser's cache: less left behind on a shared phone.
    headers["Cache-Control"] = "no-store"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
    if (response.content_type or "").startswith("text/html"):
        scripts = request.path.startswith("/scripts/")
        headers["Content-Security-Policy"] = DOCUMENT_CSP if scripts else page_csp(request.app[SETTINGS])
        headers["X-Frame-Options"] = "DENY"
    if request.path in ("/widget-config.json", pages.JOURNEY_PATH):
        headers["Access-Control-Allow-Origin"] = "*"  # public words, fetched by partner sites' pages


def _html(request: web.Request, template: str, **context) -> web.Response:
    renderer = request.app[RENDERER]
    body = request.app[TEMPLATES].get_template(template).render(words=pages.page_words(renderer), **context)
    return web.Response(text=body, content_type="text/html", charset="utf-8")


def _config(request: web.Request) -> dict:
    return pages.widget_config(request.app[RENDERER], request.app[SETTINGS])


def _scripts_present(settings: pages.WebSettings) -> bool:
    return settings.scripts_dir.is_dir() and any(settings.scripts_dir.iterdir())


async def index(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    return _html(
        request, "index.html", config=_config(request), settings=settings,
        help_html=pages.help_html(request.app[RENDERER]), scripts=_scripts_present(settings),
    )


async def exit_help(request: web.Request) -> web.Response:
    return _html(
        request, "exit_help.html", item=pages.exit_help_page(request.app[RENDERER]),
        config=_config(request), settings=request.app[SETTINGS],
    )


async def widget_config(request: web.Request) -> web.Response:
    return web.json_response(_config(request))


async def journey(request: web.Request) -> web.Response:
    return web.json_response(journey_json(request.app[RENDERER].content))


async def scripts(request: web.Request) -> web.StreamResponse:
    """The printable scripts another part of the build writes to build/scripts/."""
    root = request.app[SETTINGS].scripts_dir.resolve()
    target = (root / request.match_info.get("name", "")).resolve()
    if root != target and root not in target.parents:
        raise web.HTTPNotFound()
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(target)


async def no_icon(_: web.Request) -> web.Response:
    """Browsers ask for an icon; answering "none" keeps a 404 out of every console."""
    return web.Response(status=204)


def static(name: str):
    async def handler(_: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / name)
    return handler


def create_app(settings: pages.WebSettings | None = None, renderer: Renderer | None = None) -> web.Application:
    app = web.Application()
    app[SETTINGS] = settings or settings_from_env()
    app[RENDERER] = renderer or Renderer(default_content())
    app[TEMPLATES] = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
        trim_blocks=True, lstrip_blocks=True,
    )
    pages.widget_config(app[RENDERER], app[SETTINGS])  # a missing label fails here, at start-up
    journey_json(app[RENDERER].content)
    app.on_response_prepare.append(add_headers)
    app.router.add_get("/", index)
    app.router.add_get(pages.EXIT_HELP_PATH, exit_help)
    app.router.add_get("/widget-config.json", widget_config)
    app.router.add_get(pages.JOURNEY_PATH, journey)
    for name in ("widget.js", "widget.css", "page.css"):
        app.router.add_get(f"/{name}", static(name))
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_get("/scripts/", scripts)
    app.router.add_get("/scripts/{name:.+}", scripts)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    host = os.environ.get("WEB_INTERFACE", "127.0.0.1")
    port = int(os.environ.get("WEB_PORT", "8080"))
    app = create_app()
    logger.info("chat page on http://%s:%s/ talking to %s", host, port, app[SETTINGS].bot_url)
    # No access log: addresses and times of visits are not ours to keep.
    web.run_app(app, host=host, port=port, access_log=None, print=None)


if __name__ == "__main__":
    main()
