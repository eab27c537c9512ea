"""The keyed hash that stands in for a phone number."""
from __future__ import annotations

import logging

from bot.sms.sender_id import DEV_ONLY_KEY, SenderHasher


def test_the_hash_hides_the_number_and_is_stable():
    hasher = SenderHasher("a secret")
    sender = hasher("+447700900123")
    assert "7700900123" not in sender and len(sender) == 64
    assert hasher("+44 7700 900-123") == sender  # the same phone, written differently


def test_another_key_gives_another_id_so_guessed_numbers_cannot_be_checked():
    assert SenderHasher("one key")("+447700900123") != SenderHasher("another key")("+447700900123")


def test_the_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SENDER_HASH_KEY", "from the environment")
    assert SenderHasher.from_env()("+447700900123") == SenderHasher("from the environment")("+447700900123")


def test_without_a_key_the_dev_key_is_used_with_a_warning(monkeypatch, caplog):
    monkeypatch.delenv("SENDER_HASH_KEY", raising=False)
    with caplog.at_level(logging.WARNING):
        hasher = SenderHasher.from_env()
    assert hasher("+447700900123") == SenderHasher(DEV_ONLY_KEY)("+447700900123")
    assert "SENDER_HASH_KEY" in caplog.text
