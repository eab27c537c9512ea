"""Delete one conversation, and anything else held about her, at once.

The tracker store the Rasa server uses is deleted from, and so is the in-memory
fallback Rasa switches to when the database fails (her turns may be there); finding
them means walking Rasa's wrappers (bot/rasa_patches.py). Other parts that hold
something keyed by her (the SMS channel's records) registered a function with
`bot.privacy.deletion.on_forget` at server start; each is called with the sender id.

`delete_conversation` is the one deletion both channels use (REST after a turn
whose reply is `meta/forget-me`, SMS for that and for the DELETE keyword). It returns
True only when the conversation is gone from the configured store and every
registered part deleted its records; it never raises.
"""
from __future__ import annotations

import logging

from bot import rasa_patches
from bot.privacy.deletion import forget_elsewhere, on_forget  # noqa: F401  (re-exported)

logger = logging.getLogger(__name__)


def delete_conversation(store, sender_id: str) -> bool:
    """Remove every stored event of this conversation and what the registered parts hold."""
    main = rasa_patches.innermost_store(store)
    deleted = False
    for each in rasa_patches.tracker_stores(store):
        try:
            done = rasa_patches.delete_from(each, sender_id)
        except Exception:
            logger.exception("forget: %s failed to delete a conversation", type(each).__name__)  # no ids
            done = False
        if each is main:
            deleted = bool(done)
    if not deleted:
        logger.error("forget: the conversation was not deleted from %s", type(main).__name__)
    elsewhere = forget_elsewhere(sender_id)
    return deleted and elsewhere


forget_conversation = delete_conversation  # the earlier name
