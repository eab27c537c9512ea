"""What to say next, from what she said and where she is in the conversation.

Rasa-free: the action (actions/answer.py) gathers a `Turn` from the tracker and sends
the `Step`s this module plans. Every message is a content item (or one part of one);
this module only chooses which, in which order, with which buttons.

- an item she asked for, then its `then` item (a feeling, then the help that fits);
- follow-ups ("is that allowed", "how long") answered from the item she is on;
- her typed answer to the safety check-in: yes or unsure gets the crisis answer, no
  takes her back, neither asks again;
- an unsure message read beside the item she is on (its linked topics);
- short replies ("ok", "no") and "I don't get it" keep the conversation going;
- a long message with several worries: the main one answered, the rest offered;
- unsure: the likeliest topics as buttons and a person to talk to, never a dead end;
- once per conversation: the not-a-lawyer line after the first stage, a word for a
  supporter writing about someone else, the pointer for Wales, Scotland and NI.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot import ids
from bot.content import Content, FOLLOW_UP_KINDS, Item, intent_for

FOLLOW_UP_PREFIX = "followup_"
KEEP_GOING = {"keep_going", "dont_know", "checkin_no"}
DONT_GET_IT = "dont_get_it"
FALLBACK = "nlu_fallback"
CHECK_IN_INTENT = "safety_check_in"
# Her typed answer to the check-in ("are you thinking of ending your life?"). Unsure or
# yes anywhere gets the crisis answer; a plain no is the "No, I'm OK" button; anything
# else that is no topic of its own ("ok", "hmm") is not taken for a no: she is asked
# again (issue 14: never guess "no"). A new question asked instead is answered.
UNSURE = re.compile(r"\b(not sure|unsure|don'?t know|dont no|dunno|idk|maybe|i think so|kind of|sort of|kinda)\b",
                    re.IGNORECASE)
YES = re.compile(r"^\W*(yes|yeah|yea|yep|yup|yh|ye|ya|aye|y|sometimes|a bit|a little|probably|i guess)\b",
                 re.IGNORECASE)
NO = re.compile(r"^\W*(no|nope|nah|na|not really|not at all|i'?m ok|i'?m okay|i'?m fine|i am ok|i am fine)\b",
                re.IGNORECASE)
NOT_A_NO_INTENTS = {"keep_going", "dont_know", "dont_get_it", FALLBACK}
# Not understood well enough to answer outright (the FallbackClassifier's nlu_fallback):
# - a feeling among the two likeliest, at FEELING_MIN or more, is answered (its
#   acknowledgement, then its help), with the other likeliest topics as buttons: a
#   feeling is answered before a fact, and never with "did you mean";
# - a topic next to the one she is on (linked to it or to her stage, either way), among the
#   CONTEXT_TOP likeliest at CONTEXT_MIN or more, is answered: "im not married to her"
#   after the fathers item is the unmarried fathers item;
# - a follow-up at CLEAR_ENOUGH or more ("what do i bring", beside another guess) is
#   answered from the item she is on;
# - a topic at CLEAR_ENOUGH or more (config.yml's fallback threshold) was set aside only
#   as too close to the next one: it is answered, with the next ones as buttons.
FEELING_PREFIX = "meta_feeling_"
FEELING_MIN = 0.2
# A feeling the classifier also heard beside a clear question: acknowledged first.
FEELING_BESIDE = 0.15
CONTEXT_TOP = 3
CONTEXT_MIN = 0.1
CLEAR_ENOUGH = 0.35
# An item is worth offering as "did you mean" at this confidence or more.
OFFER_MIN = 0.04
MAX_OFFERS = 3
# Topics with versions for some situations (kinship carers, placement and adoption): the
# version beside the item she is on is answered instead (situation_version).
SITUATION_VERSIONS = {"rights/legal-aid": "legal-aid"}
# A follow-up kind no item answers itself is answered by one of these items.
FOLLOW_UP_ELSEWHERE = {
    "free": "rights/legal-aid",
    "appeal": "rights/complain",
    "allowed": "rights/complain",
    "who": "rights/advocate-supporter",
    "say_no": ids.RIGHTS_OVERVIEW,
    "what_now": ids.RIGHTS_OVERVIEW,
    "how_long": ids.RIGHTS_OVERVIEW,
}
ATTENDING = re.compile(r"\b(come|comes|coming|go|goes|going|there|attend\w*|be at|turn up|sit in)\b", re.IGNORECASE)
# A follow-up asked in its home's own words, where that home stands for one kind only ("is a
# solicitor free" is legal aid's words for "is it free"): the item she is on answers it
# when it can, with no follow-up guess of the classifier needed. "Who" only on a stage
# (who comes to it): legal aid's own "who" is who gets it.
ONE_KIND_HOMES = {"rights_legal_aid": "free", "rights_advocate_supporter": "who"}
ASKED = re.compile(r"^(is|do|does|did|can|could|will|would|am|are|how)\b|\?$")
# Unsure, short and plainly a follow-up by its words ("who knows about it"): the kind.
FOLLOW_UP_WORDS = {
    "who": re.compile(r"^who\b"),
    "how_long": re.compile(r"^how long\b"),
    "free": re.compile(r"\b(free|cost|costs|pay for it)\b"),
    "appeal": re.compile(r"\bappeal\b"),
    "say_no": re.compile(r"^what if i (say no|refuse|don'?t|do not|won'?t)\b"),
    "what_now": re.compile(r"^(what (do|should|can) i do|what now|what next)\b"),
    "allowed": re.compile(r"^(is that|is it|are they) (allowed|legal|ok)\b"),
}
FOLLOW_UP_LOOKALIKES = {"meta_triage_meeting", "meta_triage_letter", "meta_triage_baby", "meta_triage_removed",
                        "stage_appeal"}
# "How long" with nothing before it to follow: the time limits mothers ask about most,
# offered after any the classifier also heard ("72 hrs" is police protection).
HOW_LONG_OFFERS = ("dates/proceedings-deadline", "dates/police-protection-end", "dates/epo-end")
# A follow-up in other words: at most this many words, seen by the classifier at this.
FOLLOW_UP_MAX_WORDS = 8
FOLLOW_UP_MIN = 0.1
# Court decisions are appealed; other decisions are complained about.
APPEALABLE = ("stage/epo", "stage/interim-care-order", "stage/orders", "stage/final-hearing",
              "stage/placement-adoption", "stage/care-proceedings", "stage/cmh", "stage/irh")
# Someone writing about another person: a relative, friend or worker and "she"/"her".
SUPPORTER = re.compile(
    r"\b(my|our) (sister|sis|daughter|mum|mam|mom|niece|cousin|friend|mate|granddaughter|partner|"
    r"girlfriend|wife|client|service user|sister in law|daughter in law|step ?daughter)\b"
    r"|\b(i'?m|i am) (her|a) (support worker|key ?worker|family support worker)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One message to send: an item (or a part of it), with any extra buttons."""
    content_id: str
    part: str = "main"
    extra_buttons: tuple[tuple[str, str], ...] = ()   # (title, payload) offered before its own


@dataclass
class Turn:
    intent: str
    ranking: list[tuple[str, float]]      # intent, confidence; best first
    text: str = ""
    topics: tuple[str, ...] = ()          # intents of the other sentences of a long message
    last_item: str | None = None          # the last item she was shown
    stage: str | None = None              # the stage she is reading about
    told: frozenset[str] = frozenset()    # once-per-conversation items already sent
    language: str | None = None           # her message's language, when not English
    other_nation: bool = False            # she named a place in Wales, Scotland or NI
    pending: list[tuple[str, float]] = field(default_factory=list)  # ranking before a check-in
    after_check_in: bool = False          # the bot's last question was the safety check-in
    sms: bool = False                     # a text message: its stage texts carry the not-a-lawyer line


@dataclass
class Plan:
    steps: list[Step]
    told: frozenset[str]                  # once-per-conversation items, now including these


def _item_for(content: Content, intent: str) -> Item | None:
    item = content.by_intent(intent)
    return item if item is not None and item.asked else None


def _answerable(content: Content, intent: str) -> bool:
    """An intent this module can answer with an item (not a safety or navigation one)."""
    item = _item_for(content, intent)
    return item is not None and not item.id.startswith(("safety/", "dates/")) and item.id != ids.ADVOCACY


def offers(content: Content, ranking: list[tuple[str, float]], exclude: set[str] = frozenset()) -> list[str]:
    """The likeliest items from a ranking, as ids, for "did you mean" buttons."""
    found = []
    for intent, confidence in ranking:
        if confidence < OFFER_MIN or len(found) >= MAX_OFFERS:
            break
        item = _item_for(content, intent)
        if item is not None and item.id not in exclude and not item.id.startswith(("safety/", "meta/")):
            found.append(item.id)
    return found


def _best_guess(content: Content, turn: Turn) -> str | None:
    """What to answer when the classifier was not sure (see FEELING_MIN, CLEAR_ENOUGH)."""
    ordinary = [(i, c) for i, c in turn.ranking if i != FALLBACK and not i.startswith("safety_")]
    feeling = next((i for i, c in ordinary[:2] if i.startswith(FEELING_PREFIX) and c >= FEELING_MIN
                    and _item_for(content, i)), None)
    if feeling:
        return feeling
    near = nearby_items(content, turn)
    nearby = next((i for i, c in ordinary[:CONTEXT_TOP] if c >= CONTEXT_MIN and _answerable(content, i)
                   and _item_for(content, i).id in near), None)
    if nearby:
        return nearby
    if ordinary and ordinary[0][1] >= CLEAR_ENOUGH and _answerable(content, ordinary[0][0]):
        return ordinary[0][0]
    return None


def _feeling_beside(content: Content, turn: Turn, intent: str) -> str | None:
    """A feeling said beside a question ("I messed up and used, will they stop my
    contact?"): its acknowledgement, when the classifier also heard it (FEELING_BESIDE)."""
    if intent.startswith(("meta_", "followup_", "nav_", "safety_")) or not _answerable(content, intent):
        return None
    for name, confidence in turn.ranking[:CONTEXT_TOP]:
        if name.startswith(FEELING_PREFIX) and confidence >= FEELING_BESIDE and (item := _item_for(content, name)):
            return item.id
    return None


def _clear_follow_up(content: Content, turn: Turn) -> str | None:
    """A follow-up the classifier heard clearly but too close to another guess ("what do
    i bring": what now, or who can come), while she is on an item: its kind."""
    top = next(((i, c) for i, c in turn.ranking if i != FALLBACK and not i.startswith("safety_")), None)
    if top and top[0].startswith(FOLLOW_UP_PREFIX) and top[1] >= CLEAR_ENOUGH \
            and top[0][len(FOLLOW_UP_PREFIX):] in FOLLOW_UP_KINDS and current_item(content, turn):
        return top[0][len(FOLLOW_UP_PREFIX):]
    return None


def nearby_items(content: Content, turn: Turn) -> set[str]:
    """The items next to the one she is on and to her stage: those they link to
    (follow-ups, next stages) and those that link to them. Not the items themselves."""
    here = {c for c in (turn.last_item, turn.stage)
            if c in content.items and not c.startswith(("meta/", "safety/"))}
    near = set()
    for item in content.items.values():
        links = {*item.follow_ups, *item.next}
        if item.id in here:
            near |= links
        elif links & here:
            near.add(item.id)
    return near - here


def situation_version(content: Content, item_id: str, turn: Turn) -> str:
    """A topic that differs by situation (SITUATION_VERSIONS), in its version for the
    item she is on: "do i get legal aid" beside kinship care is kinship legal aid."""
    stem = SITUATION_VERSIONS.get(item_id)
    if stem is None or item_id in (turn.last_item, turn.stage) or (turn.text or "").startswith("/"):
        return item_id  # a button names the item itself
    versions = sorted(i for i in nearby_items(content, turn) if stem in i and i != item_id
                      and not i.startswith("glossary/"))
    return versions[0] if versions else item_id


def current_item(content: Content, turn: Turn) -> Item | None:
    """The item a follow-up is about: the last one shown, if it holds answers, else her stage."""
    for candidate in (turn.last_item, turn.stage):
        if candidate in content.items and not candidate.startswith(("meta/", "safety/")):
            return content.items[candidate]
    return None


def follow_up_item(content: Content, kind: str, turn: Turn) -> Item | None:
    """The item a follow-up of this kind is about: the last one shown or her stage,
    whichever answers it ("how long" after a date worked out is about her stage)."""
    # "What do I do now" is about her situation, and "who comes to it" about a meeting or
    # hearing: her stage first, then what she last read (legal aid's "who" is who gets it).
    stage_first = kind == "what_now" or (kind == "who" and ATTENDING.search(turn.text or ""))
    order = (turn.stage, turn.last_item) if stage_first else (turn.last_item, turn.stage)
    candidates = [content.items[c] for c in order
                  if c in content.items and not c.startswith(("meta/", "safety/"))]
    return next((i for i in candidates if i.answer(kind)), candidates[0] if candidates else None)


def _follow_up_in_other_words(content: Content, turn: Turn) -> str | None:
    """A short message taken for a follow-up's usual home ("do i get legal aid" is the
    legal aid topic) while the item she is on answers that follow-up itself: its kind.
    The classifier must also see the follow-up (FOLLOW_UP_MIN), so a new topic asked
    outright is still answered as that topic."""
    # Also the words of a first message ("who comes to the meeting" is the meeting triage;
    # "can i appeal" the appeal stage), which mid-conversation are about the item she is on.
    homes = {intent_for(home) for home in FOLLOW_UP_ELSEWHERE.values()} | FOLLOW_UP_LOOKALIKES
    if turn.intent not in homes or len((turn.text or "").split()) > FOLLOW_UP_MAX_WORDS:
        return None
    for name, confidence in turn.ranking:
        kind = name[len(FOLLOW_UP_PREFIX):]
        if name.startswith(FOLLOW_UP_PREFIX) and kind in FOLLOW_UP_KINDS and confidence >= FOLLOW_UP_MIN:
            item = follow_up_item(content, kind, turn)
            if item and item.answer(kind) and intent_for(item.id) != turn.intent:
                return kind
    kind = ONE_KIND_HOMES.get(turn.intent)
    home = _item_for(content, turn.intent)
    asked = ASKED.search((turn.text or "").strip().lower())  # "do i get legal aid", not "legal aid"
    if kind and home and asked and situation_version(content, home.id, turn) == home.id:
        item = follow_up_item(content, kind, turn)
        if item and item.answer(kind) and item.id != home.id and (kind != "who" or item.is_stage):
            return kind
    return None


def _worded_follow_up(content: Content, turn: Turn) -> str | None:
    """Unsure, but short and plainly a follow-up by its words, while the item she is on
    (or her stage) holds that answer: its kind."""
    text = " ".join((turn.text or "").lower().split())
    if len(text.split()) > FOLLOW_UP_MAX_WORDS:
        return None
    for kind, words in FOLLOW_UP_WORDS.items():
        item = follow_up_item(content, kind, turn) if words.search(text) else None
        if item is not None and item.answer(kind):
            return kind
    return None


def follow_up(content: Content, kind: str, item: Item | None) -> Step:
    if item is None:  # a follow-up with nothing to follow: its usual home
        return Step({"appeal": "stage/appeal"}.get(kind, FOLLOW_UP_ELSEWHERE[kind]))
    if item.answer(kind):
        return Step(item.id, "answer:" + kind)
    if kind == "how_long":
        dated = next((f for f in item.follow_ups if f.startswith("dates/")), None)
        if dated:
            return Step(dated)
        if item.more:
            return Step(item.id, "more")
    if kind == "who" and item.is_stage and item.more:
        return Step(item.id, "more")  # a stage's detail says who is there
    if kind == "appeal" and item.id in APPEALABLE:
        return Step("stage/appeal")
    if kind in ("what_now", "say_no") and item.rights:
        return Step(item.id, "rights")
    return Step(FOLLOW_UP_ELSEWHERE[kind])


def _nothing_to_follow(content: Content, kind: str, turn: Turn) -> Step:
    """A follow-up as her first words ("26 wks", "72 hrs", "is it free"): the topics the
    classifier also heard as "did you mean", else the follow-up's usual home."""
    heard = [(i, c) for i, c in turn.ranking if not i.startswith(FOLLOW_UP_PREFIX) and i != FALLBACK]
    offered = offers(content, heard)
    if kind == "how_long":
        offered += [i for i in HOW_LONG_OFFERS if i in content.items and i not in offered]
    home = follow_up(content, kind, None)
    if not offered or offered[0] == home.content_id:
        return home
    return Step("meta/did-you-mean", extra_buttons=tuple(
        (content.items[i].title, "/" + intent_for(i)) for i in offered[:MAX_OFFERS]))


def rights_here(content: Content, turn: Turn) -> Step:
    """"My rights here", "can I say no": from the item she is on, in this order: its
    answer to a follow-up the classifier also heard; its rights; its answer to "can I
    say no" (a rights item such as the home entry one has no rights part of its own);
    her stage's rights; the rights overview."""
    item = current_item(content, turn)
    if item is not None:
        for name, confidence in turn.ranking:
            kind = name[len(FOLLOW_UP_PREFIX):]
            if name.startswith(FOLLOW_UP_PREFIX) and confidence >= FOLLOW_UP_MIN and item.answer(kind):
                return Step(item.id, "answer:" + kind)
        if item.rights:
            return Step(item.id, "rights")
        if item.answer("say_no"):
            return Step(item.id, "answer:say_no")
    if turn.stage in content.items and content.items[turn.stage].rights:
        return Step(turn.stage, "rights")
    return Step(ids.RIGHTS_OVERVIEW)


def _answer_intent(content: Content, intent: str, told: set[str], turn: Turn) -> list[Step]:
    item = _item_for(content, intent)
    if item is None:
        return []
    item = content.items[situation_version(content, item.id, turn)]
    others = [t for t in turn.topics if t != intent and _answerable(content, t)]
    extra = tuple((content.items[i].title, "/" + intent_for(i))
                  for i in dict.fromkeys(_item_for(content, t).id for t in others))[:3]
    steps = [Step(item.id, extra_buttons=extra)]
    if item.then and item.then in content.items:
        steps.append(Step(item.then))
    if item.is_stage and not turn.sms and ids.NOT_A_LAWYER in content.items and ids.NOT_A_LAWYER not in told:
        steps.append(Step(ids.NOT_A_LAWYER))
        told.add(ids.NOT_A_LAWYER)
    return steps


def plan(content: Content, turn: Turn) -> Plan:
    told = set(turn.told)
    steps: list[Step] = []
    language_item = f"meta/language-{turn.language}" if turn.language else None
    if language_item in content.items:
        return Plan([Step(language_item)], frozenset(told))
    if turn.other_nation and ids.OTHER_NATIONS not in told and turn.intent != "help_other_nations":
        steps.append(Step(ids.OTHER_NATIONS))
        told.add(ids.OTHER_NATIONS)
    if SUPPORTER.search(turn.text or "") and ids.SUPPORTER not in told and ids.SUPPORTER in content.items:
        steps.append(Step(ids.SUPPORTER))
        told.add(ids.SUPPORTER)
        if turn.intent == "meta_supporter":
            return Plan(steps, frozenset(told))

    intent = turn.intent
    if turn.after_check_in:
        text = turn.text or ""
        if UNSURE.search(text) or YES.match(text):
            return Plan(steps + [Step(ids.CRISIS)], frozenset(told))
        if NO.match(text):
            intent = "checkin_no"
        elif asked_again(text, intent):
            return Plan(steps + [Step(ids.CHECK_IN)], frozenset(told))
    if kind := _follow_up_in_other_words(content, turn):
        intent = FOLLOW_UP_PREFIX + kind
    elif intent == FALLBACK and (kind := _clear_follow_up(content, turn) or _worded_follow_up(content, turn)):
        intent = FOLLOW_UP_PREFIX + kind
    item = current_item(content, turn)
    if intent.startswith(FOLLOW_UP_PREFIX) and intent[len(FOLLOW_UP_PREFIX):] in FOLLOW_UP_KINDS:
        kind = intent[len(FOLLOW_UP_PREFIX):]
        about = follow_up_item(content, kind, turn)
        step = follow_up(content, kind, about) if about else _nothing_to_follow(content, kind, turn)
        steps.append(replace(step, content_id=situation_version(content, step.content_id, turn)))
    elif intent == "checkin_no" and (turn.pending or _asked_beside_no(content, turn)):
        # "No, I'm OK" to the check-in, or said unasked ("I'm not suicidal, I just want
        # my rights"): thanks, then the answer to what she asked.
        steps.append(Step("meta/checkin-ok"))
        best = _asked_beside_no(content, turn)
        steps += _answer_intent(content, best, told, turn) if best else [Step(ids.KEEP_GOING)]
    elif intent in KEEP_GOING:
        steps.append(Step(ids.KEEP_GOING))
    elif intent == DONT_GET_IT:
        steps.append(Step(item.id, "short") if item else Step(ids.WHAT_CAN_YOU_DO))
    elif intent == FALLBACK and (best := _best_guess(content, turn)):
        guessed = _answer_intent(content, best, told, turn)
        others = offers(content, [(i, c) for i, c in turn.ranking if i not in (FALLBACK, best)],
                        exclude={step.content_id for step in guessed})
        first = guessed[0]
        buttons = first.extra_buttons + tuple((content.items[i].title, "/" + intent_for(i)) for i in others)
        steps += [Step(first.content_id, first.part, buttons[:MAX_OFFERS]), *guessed[1:]]
    elif intent == FALLBACK or _item_for(content, intent) is None:
        offered = offers(content, [(i, c) for i, c in turn.ranking if i != FALLBACK])
        if re.search(r"[a-z]{2}", (turn.text or "").lower()) and offered:
            steps.append(Step("meta/did-you-mean", extra_buttons=tuple(
                (content.items[i].title, "/" + intent_for(i)) for i in offered)))
        else:  # noise: no words to go on
            steps.append(Step(ids.FALLBACK))
    else:
        if feeling := _feeling_beside(content, turn, intent):
            steps.append(Step(feeling))  # her feeling first, then what she asked
        steps += _answer_intent(content, intent, told, turn)
    # Only the items that exist: content may lag behind a planned id during an edit.
    steps = [s for s in steps if s.content_id in content.items]
    return Plan(steps or [Step(ids.FALLBACK)], frozenset(told))


def asked_again(text: str, intent: str) -> bool:
    """Her reply to the check-in is neither yes, unsure nor no, and no topic of its own:
    the check-in is asked again."""
    return intent in NOT_A_NO_INTENTS and not (UNSURE.search(text) or YES.match(text) or NO.match(text))


def _asked_beside_no(content: Content, turn: "Turn") -> str | None:
    """What she asked beside her "no, I'm not at risk": the likeliest answerable intent
    of the message before the check-in or, said unasked, of this one."""
    ranking = turn.pending or [(i, c) for i, c in turn.ranking if i != "checkin_no"]
    return next((i for i, c in ranking if c >= 0.2 and _answerable(content, i)), None)


def keep_going_buttons(content: Content, item: Item | None) -> tuple[tuple[str, str], ...]:
    """After "ok": the next steps from the item she is on, or the menu's first choices."""
    if item is None:
        return ()
    buttons = []
    if item.is_stage and item.next:
        following = content.items.get(item.next[0])
        if following is not None:
            buttons.append((following.title, "/" + following.intent))
    for target in item.follow_ups[:2]:
        if target in content.items:
            buttons.append((content.items[target].title, "/" + intent_for(target)))
    return tuple(buttons)
