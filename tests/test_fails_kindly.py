"""Every action fails kindly: an error inside any action still says sorry, with the
menu and the crisis line, never silence (Rasa itself sends nothing when an action fails)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import yaml
from rasa_sdk import Action, Tracker

import actions
from bot.content import intent_for
from bot.render import Channel
from tests.conftest import ROOT
from tests.helpers import ids, make_tracker, run_action

SERVICES = yaml.safe_load((ROOT / "content" / "services.yml").read_text(encoding="utf-8"))
MENU = "meta/what-can-you-do"


def all_action_classes() -> list[type[Action]]:
    """Every Action subclass defined in any module of the `actions` package."""
    found = {}
    for module_info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{module_info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls is not Action and cls.__module__ == module.__name__:
                found[cls.__qualname__] = cls
    return sorted(found.values(), key=lambda cls: cls.__name__)


ACTIONS = all_action_classes()
# What a tracker is asked for; the first ask fails, as a bug or a bad slot value would.
TRACKER_PARTS = {"latest_message", "get_slot", "slots", "events", "get_latest_input_channel",
                 "get_intent_of_latest_message", "latest_action_name", "active_loop", "sender_id"}


class BreaksOnce(Tracker):
    """A tracker whose first use inside an action raises; afterwards it works again,
    so the apology (which needs the channel) can still be sent."""

    armed = False

    def __getattribute__(self, name):
        if name in TRACKER_PARTS and object.__getattribute__(self, "armed"):
            object.__setattr__(self, "armed", False)
            raise RuntimeError("simulated failure inside the action")
        return object.__getattribute__(self, name)


def breaking_tracker(channel: str = "rest") -> BreaksOnce:
    plain = make_tracker("stage_icpc", {"stage": "stage/icpc", "last_item": "stage/icpc",
                                         "deadline_kind": "dates/appeal-deadline", "requested_slot": "deadline_date"},
                         channel=channel, text="when is my appeal deadline")
    plain.__class__ = BreaksOnce  # the same tracker, now failing at its first use
    plain.armed = True
    return plain


def test_the_actions_package_is_searched():
    # The list must hold the actions the domain names, or the test below proves nothing.
    names = {cls().name() for cls in ACTIONS}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["actions"]) <= names, set(domain["actions"]) - names


@pytest.mark.parametrize("action_class", ACTIONS, ids=lambda cls: cls.__name__)
def test_run_is_wrapped_with_fails_kindly(action_class):
    assert getattr(action_class.run, "__wrapped__", None) is not None, (
        f"{action_class.__name__}.run needs @fails_kindly (actions/common.py)")


@pytest.mark.parametrize("channel", ["rest", "sms"])
@pytest.mark.parametrize("action_class", ACTIONS, ids=lambda cls: cls.__name__)
def test_an_error_inside_any_action_sends_the_kind_apology(action_class, channel):
    tracker = breaking_tracker(channel)
    messages, _ = run_action(action_class(), tracker)
    assert not tracker.armed, f"{action_class.__name__} never used the tracker, so nothing failed"
    assert ids(messages) == ["meta/error"]


@pytest.mark.parametrize("channel", [Channel.WEB, Channel.SMS])
def test_the_apology_offers_the_menu_and_the_crisis_line(renderer, channel):
    message = renderer.message("meta/error", channel)
    assert SERVICES["samaritans"]["phone"] in message.text
    assert SERVICES["emergency"]["phone"] in message.text
    assert "/" + intent_for(MENU) in [button.payload for button in message.buttons]
