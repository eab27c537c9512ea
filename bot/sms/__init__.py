"""Text-message (SMS) guidance: Rasa-free pieces used by `bot/channels/sms.py`.

sender_id: the keyed hash that stands in for a phone number everywhere.
keywords:  STOP, START, HELP, MENU, DELETE, MORE.
render:    numbered choices, segment-aware splitting, "Reply MORE".
segments:  how many texts a message takes (GSM-7 or UCS-2), for the renderer and the linter.
state:     SQLite file of STOP flags, seen message ids, pending choices, the outbox.
gateway:   the gateway's REST API, with timeouts and bounded retries.
conversation: what to do with one inbound text.
"""
