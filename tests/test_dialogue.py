"""The conversation planner (bot/dialogue.py): what she is answered, in context.

Expected ids come from the content (the item's own answers, `then` and `next`), never
from the planner itself.
"""
from __future__ import annotations

from bot import dialogue
from bot.content import FOLLOW_UP_KINDS
from bot.dialogue import Turn, plan


def steps(content, **turn) -> list[tuple[str, str]]:
    turn.setdefault("ranking", [(turn["intent"], 1.0)])
    return [(s.content_id, s.part) for s in plan(content, Turn(**turn)).steps]


def test_a_follow_up_is_answered_from_the_item_she_is_on(content):
    for item in content.items.values():
        for kind, _ in item.answers:
            got = steps(content, intent=f"followup_{kind}", last_item=item.id)
            assert got == [(item.id, f"answer:{kind}")], (item.id, kind, got)


def test_a_follow_up_after_a_side_answer_is_answered_from_her_stage(content):
    # "how long does it take" after a date or a help item with no answer of its own:
    # the stage she is reading about answers it, not a general page.
    side = [i for i in content.items.values() if not i.answers and not i.id.startswith(("meta/", "safety/"))]
    assert side, "some items (dates, help) have no answers of their own"
    checked = 0
    for stage in (i for i in content.items.values() if i.is_stage):
        for kind, _ in stage.answers:
            got = steps(content, intent=f"followup_{kind}", last_item=side[checked % len(side)].id, stage=stage.id)
            assert got == [(stage.id, f"answer:{kind}")], (stage.id, kind, got)
            checked += 1
    assert checked > 50


def test_every_follow_up_has_an_answer_even_with_nothing_to_follow(content):
    for kind in FOLLOW_UP_KINDS:
        got = steps(content, intent=f"followup_{kind}")
        assert got and got[0][0] in content.items and got[0][0] != "meta/fallback", (kind, got)


def _offered(content, **turn) -> list[str]:
    step = plan(content, Turn(**turn)).steps[0]
    assert step.content_id == "meta/did-you-mean", step
    return [payload for _, payload in step.extra_buttons]


def test_how_long_as_her_first_words_offers_the_time_limits_heard_first(content):
    # "72 hrs" with nothing before it: the classifier heard a follow-up and, less
    # surely, police protection's end. That limit comes first, then the others.
    heard = _offered(content, intent="followup_how_long", text="72 hrs",
                     ranking=[("followup_how_long", 0.66), ("dates_police_protection_end", 0.12)])
    assert heard[0] == "/dates_police_protection_end", heard
    assert "/dates_proceedings_deadline" in heard and len(heard) <= dialogue.MAX_OFFERS
    bare = _offered(content, intent="followup_how_long", text="how long", ranking=[("followup_how_long", 1.0)])
    assert "/dates_proceedings_deadline" in bare and "/dates_epo_end" in bare, bare


def test_a_first_follow_up_whose_usual_home_was_heard_is_answered_there(content):
    got = steps(content, intent="followup_appeal", text="can i appeal",
                ranking=[("followup_appeal", 0.8), ("stage_appeal", 0.19)])
    assert got == [("stage/appeal", "main")]


def test_can_i_appeal_a_court_order_without_its_own_answer_goes_to_appeals(content):
    orders = next(i for i in dialogue.APPEALABLE if not content.items[i].answer("appeal"))
    assert steps(content, intent="followup_appeal", stage=orders) == [("stage/appeal", "main")]


def test_ok_mid_conversation_keeps_it_going_and_offers_the_next_stage(content):
    assert steps(content, intent="keep_going", stage="stage/icpc") == [("meta/keep-going", "main")]
    buttons = dialogue.keep_going_buttons(content, content.items["stage/icpc"])
    following = content.items[content.items["stage/icpc"].next[0]]
    assert (following.title, "/" + following.intent) in buttons


def test_i_dont_get_it_gets_the_short_version_of_the_last_answer(content):
    assert steps(content, intent="dont_get_it", last_item="stage/section-20") == [("stage/section-20", "short")]


def test_a_feeling_is_acknowledged_then_the_help_that_fits(content):
    feelings = [i for i in content.items.values() if i.id.startswith("meta/feeling-")]
    assert feelings
    for item in feelings:
        assert [s for s, _ in steps(content, intent=item.intent)] == [item.id, item.then]


def test_unsure_offers_the_likeliest_topics_and_noise_gets_the_plain_fallback(content):
    ranking = [("nlu_fallback", 0.35), ("stage_icpc", 0.2), ("stage_cp_plan", 0.1), ("meta_greet", 0.05)]
    planned = plan(content, Turn(intent="nlu_fallback", ranking=ranking, text="the meeting thing next week"))
    assert [s.content_id for s in planned.steps] == ["meta/did-you-mean"]
    offered = [payload for _, payload in planned.steps[0].extra_buttons]
    assert offered == ["/stage_icpc", "/stage_cp_plan"]
    assert steps(content, intent="nlu_fallback", ranking=ranking, text="?? !!") == [("meta/fallback", "main")]


def test_an_unsure_feeling_is_answered_as_a_feeling_with_the_other_topics_as_buttons(content):
    # "raging. social worker cancelled on me AGAIN": the classifier half hears anger.
    ranking = [("nlu_fallback", 0.35), ("stage_after_removal", 0.24), ("meta_feeling_angry", 0.22),
               ("rights_complain", 0.05)]
    planned = plan(content, Turn(intent="nlu_fallback", ranking=ranking, text="raging. cancelled on me AGAIN"))
    angry = content.items["meta/feeling-angry"]
    assert [s.content_id for s in planned.steps][:2] == [angry.id, angry.then]
    offered = [payload for _, payload in planned.steps[0].extra_buttons]
    assert "/stage_after_removal" in offered and "/rights_complain" in offered


def test_two_close_topics_get_the_likelier_answered_and_the_other_offered(content):
    ranking = [("nlu_fallback", 0.35), ("stage_placement_adoption", 0.46), ("stage_orders", 0.43)]
    planned = plan(content, Turn(intent="nlu_fallback", ranking=ranking, text="placement order what is it"))
    assert planned.steps[0].content_id == "stage/placement-adoption"
    assert ("/" + content.items["stage/orders"].intent) in [p for _, p in planned.steps[0].extra_buttons]


def test_the_not_a_lawyer_line_comes_once_after_the_first_stage_but_not_by_sms(content):
    first = plan(content, Turn(intent="stage_icpc", ranking=[("stage_icpc", 1.0)]))
    assert [s.content_id for s in first.steps] == ["stage/icpc", "meta/not-a-lawyer"]
    again = plan(content, Turn(intent="stage_cp_plan", ranking=[], told=first.told))
    assert [s.content_id for s in again.steps] == ["stage/cp-plan"]
    assert steps(content, intent="stage_icpc", sms=True) == [("stage/icpc", "main")]


def test_no_i_am_ok_after_the_check_in_answers_what_she_asked(content):
    got = steps(content, intent="checkin_no", pending=[("stage_final_hearing", 0.6)])
    assert [s for s, _ in got][:2] == ["meta/checkin-ok", "stage/final-hearing"]


def test_not_at_risk_said_unasked_is_thanked_then_what_she_asked_is_answered(content):
    # "I'm not suicidal, I just want to know my rights": no check-in was asked.
    got = steps(content, intent="checkin_no", ranking=[("checkin_no", 0.7), ("rights_overview", 0.25)])
    assert [s for s, _ in got][:2] == ["meta/checkin-ok", "rights/overview"]


def test_no_said_unasked_with_nothing_else_asked_just_keeps_going(content):
    got = steps(content, intent="checkin_no", ranking=[("checkin_no", 0.9), ("rights_overview", 0.05)])
    assert [s for s, _ in got] == ["meta/keep-going"]


def test_a_follow_up_in_other_words_is_answered_from_the_item_she_is_on(content):
    # "do i get legal aid" after the unmarried fathers' answer: that item says who pays.
    got = steps(content, intent="rights_legal_aid", text="do i get legal aid", last_item="rights/unmarried-fathers",
                ranking=[("rights_legal_aid", 0.87), ("followup_free", 0.10)])
    assert got == [("rights/unmarried-fathers", "answer:free")]


def test_free_asked_in_legal_aid_words_is_answered_by_the_item_she_is_on(content):
    # "is a solicitor free" after the police interview item: that item says who pays there,
    # though the classifier heard only legal aid.
    item = next(i for i in content.items.values() if i.answer("free") and not i.is_stage
                and not i.id.startswith(("meta/", "safety/")) and i.id != "rights/legal-aid")
    got = steps(content, intent="rights_legal_aid", text="is a solicitor free", last_item=item.id,
                ranking=[("rights_legal_aid", 0.95)])
    assert got == [(item.id, "answer:free")]


def test_who_asked_in_supporter_words_follows_a_stage_but_not_legal_aid(content):
    stage = next(i for i in content.items.values() if i.is_stage and i.answer("who"))
    supporter = content.by_intent("rights_advocate_supporter")
    ranking = [("rights_advocate_supporter", 0.9)]
    on_stage = steps(content, intent=supporter.intent, text="can i bring someone", last_item=stage.id, ranking=ranking)
    assert on_stage == [(stage.id, "answer:who")]
    on_legal_aid = steps(content, intent=supporter.intent, text="can i bring someone", last_item="rights/legal-aid",
                         ranking=ranking)
    assert on_legal_aid[0][0] == supporter.id


def test_an_unsure_short_message_worded_as_a_follow_up_is_answered_from_her_item(content):
    # "who knows about it" after the register: not understood, but plainly "who".
    item = next(i for i in content.items.values() if i.answer("who") and not i.id.startswith(("meta/", "safety/")))
    ranking = [("nlu_fallback", 0.35), ("meta_out_of_scope", 0.03)]
    got = steps(content, intent="nlu_fallback", text="who knows about it", last_item=item.id, ranking=ranking)
    assert got == [(item.id, "answer:who")]
    # With nothing before it, no guess at an item.
    alone = steps(content, intent="nlu_fallback", text="who knows about it", ranking=ranking)
    assert alone[0][0] != item.id


def test_a_feeling_said_beside_a_question_is_answered_first_then_the_question(content):
    # "I messed up and used at the weekend, will they stop my contact?"
    relapse, contact = content.by_intent("meta_feeling_relapse"), content.by_intent("stage_contact")
    got = steps(content, intent=contact.intent, text="i messed up and used, will they stop my contact",
                ranking=[(contact.intent, 0.7), (relapse.intent, 0.19)])
    assert [s for s, _ in got][:2] == [relapse.id, contact.id]
    assert relapse.then not in [s for s, _ in got]   # the help is what she asked about
    plain = steps(content, intent=contact.intent, text="how does contact work",
                  ranking=[(contact.intent, 0.97), (relapse.intent, 0.01)])
    assert [s for s, _ in plain][0] == contact.id and relapse.id not in [s for s, _ in plain]


def test_the_same_words_with_nothing_to_follow_or_said_at_length_get_the_topic(content):
    ranking = [("rights_legal_aid", 0.87), ("followup_free", 0.10)]
    assert steps(content, intent="rights_legal_aid", text="do i get legal aid", ranking=ranking)[0][0] == "rights/legal-aid"
    long = "i have a new question now, do i get legal aid for the final hearing"
    assert steps(content, intent="rights_legal_aid", text=long, last_item="rights/unmarried-fathers",
                 ranking=ranking)[0][0] == "rights/legal-aid"
    # the classifier did not hear a follow-up at all
    assert steps(content, intent="rights_legal_aid", text="legal aid", last_item="rights/unmarried-fathers",
                 ranking=[("rights_legal_aid", 0.99)])[0][0] == "rights/legal-aid"


def test_a_supporter_is_told_what_they_can_do_once(content):
    first = plan(content, Turn(intent="stage_section_20", ranking=[], text="my sister signed a section 20"))
    assert [s.content_id for s in first.steps][:2] == ["meta/supporter", "stage/section-20"]
    again = plan(content, Turn(intent="rights_legal_aid", ranking=[], text="can my sister get legal aid",
                               told=first.told))
    assert "meta/supporter" not in [s.content_id for s in again.steps]


def test_her_language_and_other_nations_come_first(content):
    assert steps(content, intent="nlu_fallback", language="pl") == [("meta/language-pl", "main")]
    got = steps(content, intent="stage_icpc", other_nation=True)
    assert [s for s, _ in got][:2] == ["help/other-nations", "stage/icpc"]


def test_other_worries_in_a_long_message_are_offered_as_buttons(content):
    planned = plan(content, Turn(intent="stage_icpc", ranking=[], topics=("stage_icpc", "rights_legal_aid")))
    assert ("Legal aid" in planned.steps[0].extra_buttons[0][0]
            or planned.steps[0].extra_buttons[0][1] == "/rights_legal_aid")


def test_weeks_left_counts_from_today_on_the_date_she_gave(monkeypatch):
    import datetime as dt

    import actions.answer
    from actions.answer import ActionWeeksLeft
    from tests.helpers import ids, make_tracker, run_action

    monkeypatch.setattr(actions.answer, "today_in_london", lambda: dt.date(2026, 8, 3))
    tracker = make_tracker("weeks_left", {"last_item": "dates/proceedings-deadline", "deadline_start": "2026-03-03"})
    messages, _ = run_action(ActionWeeksLeft(), tracker)
    assert ids(messages) == ["dates/proceedings-deadline"] and messages[0]["metadata"]["part"] == "result"
    assert "about 4 weeks away" in messages[0]["text"]  # 31 August 2026 is 28 days after 3 August
    messages, _ = run_action(ActionWeeksLeft(), make_tracker("weeks_left"))
    assert ids(messages) == ["dates/proceedings-deadline"] and messages[0]["metadata"]["part"] == "main"


def test_can_i_say_no_on_a_rights_item_is_answered_from_that_item(content):
    # "can i say no" after the home entry item (no rights part of its own) gets that
    # item's own answer, not the rights of her stage or the overview.
    on = [i for i in content.items.values() if not i.rights and i.answer("say_no") and not i.is_stage]
    assert on, "some rights items answer 'can I say no' themselves"
    for item in on:
        step = dialogue.rights_here(content, Turn(intent="nav_rights_here", ranking=[("nav_rights_here", 0.9)],
                                                  last_item=item.id, stage="stage/section-47"))
        assert (step.content_id, step.part) == (item.id, "answer:say_no"), item.id


def test_rights_here_uses_a_follow_up_the_classifier_also_heard(content):
    item = next(i for i in content.items.values() if i.answer("allowed") and i.answer("say_no"))
    turn = Turn(intent="nav_rights_here", ranking=[("nav_rights_here", 0.6), ("followup_allowed", 0.2)],
                last_item=item.id)
    step = dialogue.rights_here(content, turn)
    assert (step.content_id, step.part) == (item.id, "answer:allowed")


def test_rights_here_on_a_stage_gives_its_rights_and_without_one_the_overview(content):
    stage = next(i for i in content.items.values() if i.is_stage and i.rights)
    on_stage = dialogue.rights_here(content, Turn(intent="nav_rights_here", ranking=[], last_item=stage.id,
                                                  stage=stage.id))
    assert (on_stage.content_id, on_stage.part) == (stage.id, "rights")
    nowhere = dialogue.rights_here(content, Turn(intent="nav_rights_here", ranking=[]))
    assert nowhere.content_id == "rights/overview"


def test_an_unsure_message_next_to_the_item_she_is_on_is_answered_as_that_topic(content):
    # "im not married to her" after the fathers item: the classifier half hears the
    # unmarried fathers topic, one of the fathers item's own follow-ups.
    fathers = content.items["rights/fathers"]
    nearby = content.items[fathers.follow_ups[0]]
    ranking = [("nlu_fallback", 0.35), (nearby.intent, 0.27), ("meta_feeling_grief", 0.09)]
    got = steps(content, intent="nlu_fallback", ranking=ranking, text="im not married to her", last_item=fathers.id)
    assert got[0] == (nearby.id, "main")
    # The same words with nothing before them are not guessed: she is offered topics.
    alone = steps(content, intent="nlu_fallback", ranking=ranking, text="im not married to her")
    assert alone[0][0] == "meta/did-you-mean"


def test_a_clear_follow_up_beside_another_guess_is_answered_from_the_item_she_is_on(content):
    # "what do i bring" at a meeting stage: heard as "what now", about as loud as another topic.
    stage = next(i for i in content.items.values() if i.is_stage and i.rights and not i.answer("what_now"))
    ranking = [("nlu_fallback", 0.35), ("followup_what_now", 0.44), ("rights_advocate_supporter", 0.42)]
    got = steps(content, intent="nlu_fallback", ranking=ranking, text="what do i bring", last_item=stage.id)
    assert got == [(stage.id, "rights")]


def test_legal_aid_asked_beside_a_situation_with_its_own_legal_aid_gets_that_version(content):
    # "do i get legal aid" after the kinship carers item: kinship carers' legal aid is
    # not a parent's, and the kinship item links to its own legal aid item.
    kinship = content.items["help/kinship-carers"]
    version = next(i for i in kinship.follow_ups if "legal-aid" in i)
    legal_aid = content.items["rights/legal-aid"]
    got = steps(content, intent=legal_aid.intent, text="do i get legal aid", last_item=kinship.id)
    assert got[0] == (version, "main")
    # With nothing before it, the general legal aid item; and its button is that item.
    assert steps(content, intent=legal_aid.intent, text="do i get legal aid")[0] == (legal_aid.id, "main")
    pressed = steps(content, intent=legal_aid.intent, text="/" + legal_aid.intent, last_item=kinship.id)
    assert pressed[0] == (legal_aid.id, "main")


def test_what_now_after_a_side_question_is_about_her_stage(content):
    # "is a solicitor free" then "what do i do now": her situation, not legal aid.
    stage = next(i for i in content.items.values() if i.is_stage and i.answer("what_now"))
    got = steps(content, intent="followup_what_now", last_item="rights/legal-aid", stage=stage.id)
    assert got == [(stage.id, "answer:what_now")]


def test_who_comes_after_a_side_question_is_about_her_stage_and_who_gets_it_is_not(content):
    # After "is the solicitor free": "who comes to the meeting" is her stage's meeting;
    # "who can get it" is about legal aid.
    stage = next(i for i in content.items.values() if i.is_stage and i.answer("who"))
    side = content.items["rights/legal-aid"]
    assert side.answer("who")
    came = steps(content, intent="followup_who", text="who comes to it", last_item=side.id, stage=stage.id)
    assert came == [(stage.id, "answer:who")]
    gets = steps(content, intent="followup_who", text="who can get it", last_item=side.id, stage=stage.id)
    assert gets == [(side.id, "answer:who")]


def test_words_of_a_first_message_mid_conversation_follow_the_item_she_is_on(content):
    # "who comes to the meeting" after the pre-proceedings stage is about that meeting,
    # though as a first message it would be the "which meeting?" question.
    item = next(i for i in content.items.values() if i.is_stage and i.answer("who"))
    ranking = [("meta_triage_meeting", 0.59), ("followup_who", 0.34)]
    got = steps(content, intent="meta_triage_meeting", text="who comes to the meeting", ranking=ranking,
                last_item=item.id)
    assert got == [(item.id, "answer:who")]
    first = steps(content, intent="meta_triage_meeting", text="who comes to the meeting", ranking=ranking)
    assert first[0][0] == content.by_intent("meta_triage_meeting").id


def test_an_unsure_message_about_an_item_that_links_to_hers_is_answered_as_that_topic(content):
    # Links count both ways: an item that lists hers as a follow-up is next to it too.
    here = content.items["glossary/letterbox-contact"]
    linking = next(i for i in content.items.values() if here.id in i.follow_ups and i.asked
                   and not i.id.startswith(("meta/", "safety/", "dates/")) and i.id not in here.follow_ups)
    ranking = [("nlu_fallback", 0.35), ("meta_out_of_scope", 0.2), (linking.intent, 0.15)]
    got = steps(content, intent="nlu_fallback", ranking=ranking, text="and then what", last_item=here.id)
    assert got[0] == (linking.id, "main")


def test_a_typed_yes_or_not_sure_to_the_check_in_gets_the_crisis_answer(content):
    # Typed, not tapped: "not sure honestly" is "I don't know" to the classifier, "yeah"
    # is "ok". Neither is a no (issue 14: "Yes" or "not sure" gets the crisis answer).
    crisis = content.items["safety/crisis"]
    for text, intent in [("not sure honestly", "dont_know"), ("yeah", "keep_going"), ("yes i am", "meta_bot_identity"),
                         ("maybe", "keep_going")]:
        got = steps(content, intent=intent, text=text, after_check_in=True)
        assert got == [(crisis.id, "main")], (text, got)
    # Neither yes nor no ("ok", "hmm"): not taken for a no, she is asked again.
    for text, intent in [("hmm", "nlu_fallback"), ("ok", "keep_going")]:
        assert steps(content, intent=intent, text=text, after_check_in=True) == [("safety/check-in", "main")]
    # The same words at any other time keep the conversation going.
    assert steps(content, intent="keep_going", text="yeah")[0][0] != crisis.id


def test_a_typed_no_to_the_check_in_is_the_no_button_and_a_new_question_is_answered(content):
    asked = content.items["stage/icpc"]
    for text in ("no", "nah im fine", "not really"):
        got = steps(content, intent="keep_going", text=text, after_check_in=True,
                    pending=[(asked.intent, 0.6)])
        assert got[:2] == [("meta/checkin-ok", "main"), (asked.id, "main")], (text, got)
    got = steps(content, intent=asked.intent, text="what happens at the conference", after_check_in=True)
    assert got[0] == (asked.id, "main")
