"""Action replies are still checked against Rasa's schema, with the schema built once."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

import bot.channels  # noqa: F401  (installs the check, as Rasa's start does)


def test_a_good_reply_passes_and_a_bad_one_is_refused():
    action = RemoteAction("action_answer", None)
    good = {"events": [{"event": "slot", "name": "stage", "value": "stage/icpc"}],
            "responses": [{"text": "hello", "metadata": {"content_id": "meta/greet"}}]}
    assert action._validate_action_result(good) is True
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": "not a list", "responses": []})
