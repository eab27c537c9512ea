""""Find an advocate" / "who can help me": local services first, then national.

If her message names a place she gets the list at once; if not, she is asked where
she is and may skip. Only the local authority code is kept (slot `area`), never the
town or postcode she typed.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import show
from actions.common import channel_of, fails_kindly, renderer, send, send_item
from bot.directory import Area, default_areas, find_area, service_lines, services_for
from bot.render import Channel, Message

ASK_AREA = "help/ask-area"
LOCAL = "help/services-local"
NO_LOCAL = "help/no-local"
NATIONAL = "help/services-national"
UNKNOWN = "help/area-unknown"
FALLBACK_ANSWER = "help/advocacy"      # what an advocate is, and national help: her answer if she skips
NOT_UNDERSTOOD = "meta/fallback"

# How many services each channel lists: a text message must stay within 3 segments.
LIMITS = {Channel.SMS: (3, 3)}
DEFAULT_LIMITS = (6, 5)                # (local, national) on the web and elsewhere


def _list_message(content_id: str, channel: Channel, services, limit: int, place: str = "") -> Message:
    """A framing item followed by the list of services, as one message with one id."""
    values = {"place": place} if place else None
    framing = renderer().message(content_id, channel, values=values)
    listed = service_lines(services, channel, renderer(), limit)
    text = f"{framing.text}\n{listed}" if channel is Channel.SMS else f"{framing.text}\n\n{listed}"
    # On SMS the list is numbered, so numbered choices after it would be confusing.
    buttons = () if channel is Channel.SMS else framing.buttons
    return Message(content_id, text.strip(), framing.part, buttons)


def send_services(dispatcher: CollectingDispatcher, channel: Channel, area: Area | None) -> None:
    """Local services for the area (or why there are none), then national ones."""
    local, national = services_for(area.code if area else None)
    local_limit, national_limit = LIMITS.get(channel, DEFAULT_LIMITS)
    if area and local:
        send(dispatcher, _list_message(LOCAL, channel, local, local_limit, area.name))
    elif area:
        send(dispatcher, renderer().message(NO_LOCAL, channel, values={"place": area.name}))
    send(dispatcher, _list_message(NATIONAL, channel, national, national_limit))


class ActionFindAdvocate(Action):
    def name(self) -> str:
        return "action_find_advocate"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        asked = bool(tracker.get_slot("area_asked"))
        channel = channel_of(tracker)
        done = [SlotSet("area_asked", False), SlotSet("last_item", FALLBACK_ANSWER)]

        if intent == "skip_area":
            if not asked:  # "skip" out of the blue: nothing to skip
                send_item(dispatcher, tracker, NOT_UNDERSTOOD)
                return []
            return show(dispatcher, tracker, FALLBACK_ANSWER) + [SlotSet("area_asked", False)]

        area = find_area(tracker.latest_message.get("text") or "")
        if area is None and intent == "help_advocacy":
            area = default_areas().authorities.get(tracker.get_slot("area") or "")
            if area is None:
                send_item(dispatcher, tracker, ASK_AREA)
                return [SlotSet("area_asked", True)]
        if area is None:  # she gave a place we do not know
            send_item(dispatcher, tracker, UNKNOWN)
            send_services(dispatcher, channel, None)
            return done
        send_services(dispatcher, channel, area)
        return done + [SlotSet("area", area.code)]
