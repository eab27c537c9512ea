"""The SMS channel refuses to start with development secrets where they would matter.

With the development auth token anyone can sign a webhook (forge texts from any
number); with the development hashing key the sender ids in every store can be
reversed by trying all UK mobile numbers (about 10^9). Both defaults are fine on a
laptop against the fake gateway, and nowhere else. So the channel will not start
when either is unset, the development value or a placeholder (`replace-me` in
deploy/k8s), and
- BOT_ENV=production (the Docker image and the Kubernetes ConfigMap set it), or
- the gateway is not on this machine (SMS_GATEWAY_URL is not loopback).
"""
from __future__ import annotations

import ipaddress
import os
from typing import Mapping
from urllib.parse import urlsplit

from bot.sms.gateway import DEFAULTS
from bot.sms.sender_id import DEV_ONLY_KEY, ENV_KEY

PLACEHOLDERS = {"", "replace-me", "changeme", "change-me", "secret", "dev", "test"}


class DevelopmentSecret(RuntimeError):
    pass


def production(env: Mapping[str, str] = os.environ) -> bool:
    return env.get("BOT_ENV", "").strip().lower() in {"production", "prod"}


def loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def development_secrets(env: Mapping[str, str] = os.environ) -> list[str]:
    """The names of the secrets that are unset, the development value or a placeholder."""
    weak = []
    token = (env.get("SMS_AUTH_TOKEN") or "").strip()
    if token.lower() in PLACEHOLDERS or token == DEFAULTS["SMS_AUTH_TOKEN"]:
        weak.append("SMS_AUTH_TOKEN")
    key = (env.get(ENV_KEY) or "").strip()
    if key.lower() in PLACEHOLDERS or key == DEV_ONLY_KEY:
        weak.append(ENV_KEY)
    return weak


def refuse_development_secrets(env: Mapping[str, str] = os.environ) -> None:
    """Raise DevelopmentSecret, naming the settings to set, where they would matter."""
    gateway = env.get("SMS_GATEWAY_URL") or DEFAULTS["SMS_GATEWAY_URL"]
    where = ("BOT_ENV=production" if production(env)
             else None if loopback(gateway) else "the SMS gateway is not on this machine")
    weak = development_secrets(env)
    if where and weak:
        raise DevelopmentSecret(
            f"the SMS channel will not start: {where}, and {' and '.join(weak)} "
            f"{'is' if len(weak) == 1 else 'are'} unset, the development value or a placeholder. "
            "Set real secrets (deploy/k8s/00-config.yaml, the carebot-secrets Secret)."
        )
