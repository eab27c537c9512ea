"""After a safety reply the bot stays with her (issue 14), through the real servers."""
from __future__ import annotations

import uuid

from tests.live.conftest import content_ids

SAFETY = ("safety/",)


def new_sender() -> str:
    return f"follow-{uuid.uuid4().hex[:10]}"


def button(reply: list[dict], label: str) -> str:
    for message in reply:
        for choice in message.get("buttons") or []:
            if label.lower() in choice["title"].lower():
                return choice["payload"]
    raise AssertionError(f"no button {label!r} in {reply}")


def test_refusing_an_ambulance_gets_other_routes_not_the_fallback(servers):
    sender = new_sender()
    assert "safety/crisis" in content_ids(servers.say(sender, "i want to end my life"))
    assert content_ids(servers.say(sender, "i dont want an ambulance")) == ["safety/no-ambulance"]


def test_cant_talk_gets_the_silent_options(servers):
    sender = new_sender()
    assert "safety/danger" in content_ids(servers.say(sender, "hes outside the door and trying to get in"))
    assert content_ids(servers.say(sender, "i cant talk")) == ["safety/cant-talk"]


def test_dont_tell_anyone_says_what_the_bot_does_and_does_not_do(servers):
    sender = new_sender()
    servers.say(sender, "i feel suicidal")
    assert content_ids(servers.say(sender, "please dont tell anyone")) == ["safety/dont-tell"]


def test_a_pending_date_question_is_dropped_after_a_safety_reply(servers):
    sender = new_sender()
    first = content_ids(servers.say(sender, "when is the core group due"))
    assert "dates/core-group-deadline" in first  # the bot asks for the conference date
    assert "safety/crisis" in content_ids(servers.say(sender, "i want to kill myself"))
    # Her next question is answered, not met with the date question again.
    assert content_ids(servers.say(sender, "what is a child protection conference"))[0] == "stage/icpc"


def test_unclear_risk_gets_a_direct_check_in_and_no_takes_her_back(servers):
    sender = new_sender()
    reply = servers.say(sender, "i have sorted out who gets my things")
    assert content_ids(reply) == ["safety/check-in"]
    after = content_ids(servers.say(sender, button(reply, "No")))
    assert after[0] == "meta/checkin-ok" and not any(i.startswith(SAFETY) for i in after)


def test_yes_or_not_sure_to_the_check_in_gets_the_crisis_answer(servers):
    for label in ("Yes", "not sure"):
        sender = new_sender()
        reply = servers.say(sender, "ive made a will and im putting everything in order")
        assert content_ids(reply) == ["safety/check-in"]
        assert "safety/crisis" in content_ids(servers.say(sender, button(reply, label)))


def test_a_typed_answer_to_the_check_in_is_taken_as_she_meant_it(servers):
    # Typed, not tapped: yes or unsure gets the crisis answer; a plain no takes her back;
    # neither ("hmm") asks again, and then her answer to that counts.
    for typed, crisis in (("not sure honestly", True), ("yeah", True), ("no", False)):
        sender = new_sender()
        reply = servers.say(sender, "ive made a will and im putting everything in order")
        assert content_ids(reply) == ["safety/check-in"]
        after = content_ids(servers.say(sender, typed))
        assert ("safety/crisis" in after) is crisis, (typed, after)
        if not crisis:
            assert after[0] == "meta/checkin-ok", (typed, after)
        # Her answer counted once: "ok" after it is not asked the check-in again.
        assert "safety/check-in" not in content_ids(servers.say(sender, "ok"))
    sender = new_sender()
    servers.say(sender, "ive made a will and im putting everything in order")
    assert content_ids(servers.say(sender, "hmm")) == ["safety/check-in"]
    assert "safety/crisis" in content_ids(servers.say(sender, "yeah"))


def test_no_after_the_check_in_was_asked_again_still_answers_her_first_question(servers):
    # Her first message held a question; an unclear reply ("hmm") gets the check-in again,
    # and her "no" to that takes her back to the question she first asked.
    sender = new_sender()
    first = servers.say(sender, "ive sorted out who gets my things. what is a child protection conference")
    assert content_ids(first) == ["safety/check-in"]
    assert content_ids(servers.say(sender, "hmm")) == ["safety/check-in"]
    after = content_ids(servers.say(sender, "no"))
    assert after[:2] == ["meta/checkin-ok", "stage/icpc"], after


def test_harm_already_done_gets_get_checked_now(servers):
    reply = content_ids(servers.say(new_sender(), "i took a load of tablets earlier but im fine now"))
    assert reply[0] == "safety/get-checked"


def test_her_fear_of_hurting_her_baby_gets_the_calm_harm_thoughts_answer(servers):
    reply = content_ids(servers.say(new_sender(), "im scared i might hurt my baby"))
    assert reply[0] == "safety/harm-thoughts"


def test_a_past_event_that_is_over_gets_her_question_answered_not_an_alarm(servers):
    reply = content_ids(servers.say(
        new_sender(), "i self harmed at 15, ive been well for ten years, will they hold it against me"))
    assert reply and not any(i.startswith(SAFETY) for i in reply)
