"""One pair of real servers for the live tests that need the default settings.

Starting Rasa takes tens of seconds, so they share it; tests that need other settings
(SMS gateway, privacy modes) start their own with `Servers(...).running()`.
"""
from __future__ import annotations

import pytest

from tests.live.servers import Servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    with Servers(tmp_path_factory.mktemp("live")).running() as running:
        yield running


def content_ids(messages):
    return [m.get("content_id") for m in messages]
