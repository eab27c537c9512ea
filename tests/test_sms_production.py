"""In production the SMS channel will not start on the development token or hashing key."""
from __future__ import annotations

import pytest

from bot.channels.sms import SmsInput
from bot.sms.gateway import DEFAULTS
from bot.sms.production import DevelopmentSecret
from bot.sms.sender_id import DEV_ONLY_KEY

REAL = {"SMS_AUTH_TOKEN": "a-real-token-from-the-gateway", "SENDER_HASH_KEY": "a-long-random-secret-key"}


@pytest.fixture
def env(monkeypatch):
    for name in ("BOT_ENV", "SMS_AUTH_TOKEN", "SENDER_HASH_KEY", "SMS_GATEWAY_URL", "SMS_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)

    def set_env(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    return set_env


@pytest.mark.parametrize("weak", [
    {},                                                         # nothing set: both defaults
    {"SENDER_HASH_KEY": REAL["SENDER_HASH_KEY"]},               # the development token
    {"SMS_AUTH_TOKEN": REAL["SMS_AUTH_TOKEN"]},                 # the development key
    {**REAL, "SMS_AUTH_TOKEN": DEFAULTS["SMS_AUTH_TOKEN"]},      # typed in on purpose
    {**REAL, "SENDER_HASH_KEY": DEV_ONLY_KEY},
    {**REAL, "SENDER_HASH_KEY": "replace-me"},                  # deploy/k8s's placeholder, not replaced
], ids=["none", "dev-token", "dev-key", "dev-token-typed", "dev-key-typed", "placeholder"])
def test_production_refuses_to_start_on_a_development_secret(env, weak):
    env(BOT_ENV="production", **weak)
    with pytest.raises(DevelopmentSecret, match="will not start: BOT_ENV=production"):
        SmsInput.from_credentials(None)


def test_the_error_names_only_what_is_missing(env):
    env(BOT_ENV="production", SMS_AUTH_TOKEN=REAL["SMS_AUTH_TOKEN"])
    with pytest.raises(DevelopmentSecret) as refused:
        SmsInput.from_credentials(None)
    assert "SENDER_HASH_KEY" in str(refused.value) and "SMS_AUTH_TOKEN" not in str(refused.value)
    assert REAL["SMS_AUTH_TOKEN"] not in str(refused.value)


def test_production_starts_with_real_secrets(env):
    env(BOT_ENV="production", **REAL)
    assert SmsInput.from_credentials(None).gateway_config.auth_token == REAL["SMS_AUTH_TOKEN"]


def test_a_real_gateway_with_development_secrets_is_refused_even_outside_production(env):
    env(SMS_GATEWAY_URL="https://sms-gateway.example.net")
    with pytest.raises(DevelopmentSecret, match="not on this machine"):
        SmsInput.from_credentials(None)


def test_a_laptop_against_the_fake_gateway_starts_with_the_defaults(env):
    env(SMS_GATEWAY_URL="http://127.0.0.1:8089")
    assert SmsInput.from_credentials(None).gateway_config.auth_token == DEFAULTS["SMS_AUTH_TOKEN"]
