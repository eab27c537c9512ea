""""Find an advocate" / "who can help me" / "talk to a person": local services first,
then national, saying which lines are open now.

If her message names a place she gets the list at once; if not, she is asked where
she is and may skip. A name close to a known one, or in two councils, is asked about
with buttons ("Did you mean ...?"); a place in Wales, Scotland or Northern Ireland gets
help/other-nations. Only the council code is kept (slot `area`), never the town or
postcode she typed.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import send_plan, show, turn_of
from actions.common import channel_of, fails_kindly, renderer, send, send_item
from bot import dialogue, directory, ids
from bot.directory import Area, Lookup, default_areas, look_up, service_lines, services_for
from bot.render import Button, Channel, Message

ASK_AREA = "help/ask-area"
LOCAL = "help/services-local"
NO_LOCAL = "help/no-local"
NATIONAL = "help/services-national"
UNKNOWN = "help/area-unknown"
DID_YOU_MEAN = "help/did-you-mean-place"
TALK = ids.TALK_TO_PERSON
FALLBACK_ANSWER = ids.ADVOCACY      # what an advocate is, and national help: her answer if she skips
NOT_UNDERSTOOD = ids.FALLBACK
MAX_CHOICES = 6
# advocate_mode_on comes here too when she names advocates without saying she is one.
ASKING_FOR_HELP = ("help_advocacy", "advocate_mode_on")
ASKS_WHAT = re.compile(r"\bwhat(?:'?s| is| are| does| do| exactly is)\b.*\badvocat|^\s*(?:an? )?advocates?\W*$",
                       re.IGNORECASE)

# How many services each channel lists: a text message must stay within 3 segments.
LIMITS = {Channel.SMS: (3, 3)}
DEFAULT_LIMITS = (6, 5)                # (local, national) on the web and elsewhere
TALK_LIMITS = {Channel.SMS: 3}
DEFAULT_TALK_LIMIT = 6


def _list_message(content_id: str, channel: Channel, services, limit: int, place: str = "") -> Message:
    """A framing item followed by the list of services, as one message with one id."""
    values = {"place": place} if place else None
    framing = renderer().message(content_id, channel, values=values)
    listed = service_lines(services, channel, renderer(), limit, now=directory.clock())
    text = f"{framing.text}\n{listed}" if channel is Channel.SMS else f"{framing.text}\n\n{listed}"
    # On SMS the list is numbered, so numbered choices after it would be confusing.
    buttons = () if channel is Channel.SMS else framing.buttons
    return Message(content_id, text.strip(), framing.part, buttons)


def send_services(dispatcher: CollectingDispatcher, channel: Channel, area: Area | None) -> None:
    """Local services for the area (or why there are none), then national ones."""
    local, national = services_for(area.code if area else None)
    local_limit, national_limit = LIMITS.get(channel, DEFAULT_LIMITS)
    if area and local:
        send(dispatcher, _list_message(LOCAL, channel, local, local_limit, area.label))
    elif area:
        send(dispatcher, renderer().message(NO_LOCAL, channel, values={"place": area.label}))
    national = directory.national_for_now(national, directory.clock(), national_limit)
    send(dispatcher, _list_message(NATIONAL, channel, national, national_limit))


def did_you_mean(channel: Channel, found: Lookup) -> Message:
    """The question, with one button per council or nation the place could be."""
    framing = renderer().message(DID_YOU_MEAN, channel)
    buttons = tuple(Button(choice.label, choice.payload) for choice in found.choices[:MAX_CHOICES])
    return Message(DID_YOU_MEAN, framing.text, framing.part, buttons)


def not_a_place(turn: dialogue.Turn) -> dialogue.Turn:
    """The turn as if "a place name" had not been among the guesses: the other guesses
    rescaled to what they would have been, and unsure (so the planner answers a clear
    one, or offers the likeliest)."""
    others = [(i, c) for i, c in turn.ranking if i not in ("give_area", dialogue.FALLBACK)]
    total = sum(c for _, c in others) or 1.0
    return replace(turn, intent=dialogue.FALLBACK,
                   ranking=[(dialogue.FALLBACK, dialogue.CLEAR_ENOUGH)] + [(i, c / total) for i, c in others])


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
            # She has had what an advocate is; skipping the place leaves the help across England.
            send_services(dispatcher, channel, None)
            return done

        text = tracker.latest_message.get("text") or ""
        found = look_up(text)
        if not found.found and intent in ASKING_FOR_HELP and ASKS_WHAT.search(text):
            # "What is an advocate?" is answered first; looking for local help is her choice.
            near = Button(renderer().label("find_near_me"), "/help_advocacy")
            send_item(dispatcher, tracker, FALLBACK_ANSWER, extra_buttons=(near,))
            return [SlotSet("last_item", FALLBACK_ANSWER)]
        if not found.found and intent in ASKING_FOR_HELP and tracker.get_slot("last_item") == ids.OTHER_NATIONS:
            # "Who can help me there", just after she named a place in Wales, Scotland or
            # NI: where to get help there, not a question about a place in England.
            return show(dispatcher, tracker, ids.OTHER_NATIONS, "answer:what_now")
        if not found.found and intent in ASKING_FOR_HELP:
            area = default_areas().authorities.get(tracker.get_slot("area") or "")
            if area is None:
                # Her question answered first ("how do I get an advocate"), then help near her
                # offered; not again when she has just read it and chose "Find help near me".
                if tracker.get_slot("last_item") != FALLBACK_ANSWER:
                    send_item(dispatcher, tracker, FALLBACK_ANSWER)
                send_item(dispatcher, tracker, ASK_AREA)
                return [SlotSet("area_asked", True), SlotSet("last_item", FALLBACK_ANSWER)]
            found = Lookup(area=area)
        if found.too_wide:  # "London": ask again for the borough, town or postcode
            send_item(dispatcher, tracker, ASK_AREA)
            return [SlotSet("area_asked", True)]
        if found.choices:
            send(dispatcher, did_you_mean(channel, found))
            return [SlotSet("area_asked", True), SlotSet("last_item", DID_YOU_MEAN)]
        if found.nation:
            return show(dispatcher, tracker, ids.OTHER_NATIONS) + [SlotSet("area_asked", False)]
        if found.area is None and intent == "give_area" and not asked:
            # Not asked for a place, and not a place we know: a word the classifier took
            # for a place name ("nrpf", "twin track"). Answer from the rest of its ranking.
            return send_plan(dispatcher, tracker, not_a_place(turn_of(tracker)))
        if found.area is None:  # she gave a place we do not know
            send_item(dispatcher, tracker, UNKNOWN)
            send_services(dispatcher, channel, None)
            return done
        send_services(dispatcher, channel, found.area)
        return done + [SlotSet("area", found.area.code)]


def talk_message(channel: Channel) -> Message:
    """help/talk-to-person, then the lines it names: open ones first, each with its times."""
    content = renderer().content
    people = directory.people_to_talk_to(content, TALK, directory.clock())
    framing = renderer().message(TALK, channel)
    limit = TALK_LIMITS.get(channel, DEFAULT_TALK_LIMIT)
    listed = service_lines(people, channel, renderer(), limit, now=directory.clock(), details=False)
    text = f"{framing.text}\n{listed}" if channel is Channel.SMS else f"{framing.text}\n\n{listed}"
    buttons = () if channel is Channel.SMS else framing.buttons
    return Message(TALK, text.strip(), framing.part, buttons)


class ActionTalkToPerson(Action):
    """"Talk to a person": who she can call or text, and whether they are open now."""

    def name(self) -> str:
        return "action_talk_to_person"

    @fails_kindly
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        send(dispatcher, talk_message(channel_of(tracker)))
        return [SlotSet("last_item", TALK)]
