"""What of one conversation event may be written to the tracker store.

A Rasa event, as a dict (`event.as_dict()`), goes in; a new dict comes out with her
words removed (or redacted, when an operator keeps text) and everything the bot
needs across turns kept: the intent and its ranking, entity names, slots, which
content items were sent. The dict passed in is never changed: the same objects are
still used by the running turn (the dates actions read the latest text in memory).
"""
from __future__ import annotations

from typing import Any

from bot.privacy.redact import redact

# Entities whose values the bot needs in later turns (a slot filled from an entity
# keeps its own copy in a slot event). None so far: add a name here only when a
# later turn reads the entity's value from an old message.
ENTITY_VALUES_KEPT: frozenset[str] = frozenset()

# What of the NLU result is kept: what the bot understood, not what she wrote.
PARSE_DATA_KEPT = ("intent", "intent_ranking", "entities", "response_selector")
ENTITY_KEYS_KEPT = ("entity", "role", "group", "extractor", "confidence_entity")


def _text(text: Any, keep_text: bool) -> Any:
    return redact(text) if keep_text and isinstance(text, str) else None


def _entity(entity: dict) -> dict:
    kept = {key: entity[key] for key in ENTITY_KEYS_KEPT if key in entity}
    # The value and its position would say what she typed, and a bare value ("Jayden")
    # cannot be redacted without its sentence: keep only that it was there.
    kept["value"] = entity.get("value") if entity.get("entity") in ENTITY_VALUES_KEPT else None
    return kept


def _entities(entities: Any) -> list:
    return [_entity(e) for e in entities or [] if isinstance(e, dict)]


def _user(data: dict, keep_text: bool) -> dict:
    parse_data = data.get("parse_data") or {}
    stored_parse = {key: parse_data[key] for key in PARSE_DATA_KEPT if key in parse_data}
    if "entities" in stored_parse:
        stored_parse["entities"] = _entities(stored_parse["entities"])
    text = _text(data.get("text"), keep_text)
    stored_parse["text"] = text
    # Channel metadata (a phone number, a browser's details) is for this turn only.
    return {**data, "text": text, "parse_data": stored_parse, "metadata": {}}


def _slot_value(value: Any) -> Any:
    # Slots hold what the bot worked out (a stage id, a date). A slot filled from her
    # free text would still carry details, so string values always pass the redactor.
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_slot_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _slot_value(v) for k, v in value.items()}
    return value


def stored_event(data: dict, keep_text: bool) -> dict:
    """The version of one event that may be stored."""
    kind = data.get("event")
    if kind == "user":
        return _user(data, keep_text)
    if kind == "bot":
        # Which item was sent is in its metadata; the rendered words can carry
        # values worked out from what she said (a date), so they follow her text.
        return {**data, "text": _text(data.get("text"), keep_text)}
    if kind == "entities":
        return {**data, "entities": _entities(data.get("entities"))}
    if kind == "slot":
        return {**data, "value": _slot_value(data.get("value"))}
    if kind == "action" and data.get("action_text") is not None:
        return {**data, "action_text": _text(data.get("action_text"), keep_text)}
    return data


def content_id_of(data: dict) -> str | None:
    """The content item a bot event sent, wherever Rasa put its metadata."""
    metadata = data.get("metadata") or {}
    nested = metadata.get("metadata") if isinstance(metadata.get("metadata"), dict) else {}
    return metadata.get("content_id") or nested.get("content_id")
