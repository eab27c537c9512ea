"""The content ids the code itself relies on, in one place.

Most ids are only data (an intent leads to an item, an item names its follow-ups). These
are the ones code treats specially: the channels' own replies, the safety answers, the
pages every dead end leads to. `tests/test_ids.py` checks that each is a real item, so a
renamed item fails a test instead of a conversation.
"""
from __future__ import annotations

# What the channels say themselves.
GREETING = "meta/greet"
FALLBACK = "meta/fallback"                # not understood: the likeliest topics and a person
ERROR = "meta/error"                      # something broke; never "deleted" when it was not
FORGET_ME = "meta/forget-me"              # the one reply that means her conversation was deleted
KEEP_GOING = "meta/keep-going"            # "ok", "idk" mid-conversation
THANKS = "meta/thanks"                    # "thanks": like "ok", it offers her next steps
WHAT_CAN_YOU_DO = "meta/what-can-you-do"
SUPPORTER = "meta/supporter"              # someone writing about her
NOT_A_LAWYER = "meta/not-a-lawyer"        # said once per conversation, after the first stage

# Safety, answered at any point (bot/safety.py decides which).
CRISIS = "safety/crisis"
DANGER = "safety/danger"
DOMESTIC_ABUSE = "safety/domestic-abuse"
CHECK_IN = "safety/check-in"              # unsure: ask her directly
QUICK_EXIT = "safety/quick-exit"          # how to leave and stay safe online

# Where a dead end or a "who can help" leads.
ADVOCACY = "help/advocacy"
TALK_TO_PERSON = "help/talk-to-person"
OTHER_NATIONS = "help/other-nations"
RIGHTS_OVERVIEW = "rights/overview"

SPECIAL = (GREETING, FALLBACK, ERROR, FORGET_ME, KEEP_GOING, THANKS, WHAT_CAN_YOU_DO, SUPPORTER, NOT_A_LAWYER,
           CRISIS, DANGER, DOMESTIC_ABUSE, CHECK_IN, QUICK_EXIT, ADVOCACY, TALK_TO_PERSON, OTHER_NATIONS,
           RIGHTS_OVERVIEW)
