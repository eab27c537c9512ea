"""Answers from the Rasa server itself, without a call to the action server.

A plain answer (bot/rasa_files.plain_answer) is started here; a few rules also answer
with `utter_answer` (data/rules/: navigation, follow-ups). What she is answered comes
from bot/answering.py, the code the actions use too, run here in the Rasa server:
- `ContentNLG` renders each `utter_answer` as the next step of this turn's plan, from
  content, for her channel (Rasa calls it for every response; the static safety
  responses it leaves to Rasa's own generator);
- `PlanSteps`, a policy, asks for the first `utter_answer` of a plain answer, and for
  `utter_answer` again until every step of any answer is sent, then records where she
  is in slots, whatever Rasa does next.
So most turns skip an HTTP hop, and are answered while the action server restarts.
Both are Rasa's public extension points (a custom NLG named in endpoints, a policy
named in config.yml); nothing here reaches into Rasa's insides.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Iterator

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActiveLoop, BotUttered, SlotSet,
                                     UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bot import answering, ids
from bot.content import default_content
from bot.rasa_files import ANSWER, plain_answer
from bot.render import Renderer

logger = logging.getLogger(__name__)

UTTER_ANSWER = ANSWER
# Above RulePolicy (6), so the rest of a plan's steps win over the rule's action_listen.
PRIORITY = 7
# A form's question (a date, "final or interim?") is asked again after the first answer
# to something else; when she moves on a second time it is dropped, not asked after
# every answer for the rest of the conversation. She can ask for the date again.
MOVED_ON_TIMES_BEFORE_DROPPING = 2

_renderer: Renderer | None = None
_answers: "OrderedDict[tuple, answering.Answer]" = OrderedDict()
_KEPT_ANSWERS = 64  # a turn asks for its answer once per step; one turn per conversation at a time


def renderer() -> Renderer:
    global _renderer
    if _renderer is None:
        _renderer = Renderer(default_content())
    return _renderer


@lru_cache(maxsize=1)
def plain_answer_intents() -> frozenset[str]:
    return frozenset(item.intent for item in renderer().content.items.values() if plain_answer(item))


def starts_plain_answer(tracker: DialogueStateTracker) -> bool:
    """Her message, just heard, asks for a plain answer, and no form is waiting for her
    reply (or the form has just turned this message down): the answer starts here."""
    if tracker.latest_action_name != ACTION_LISTEN_NAME or not tracker.latest_message:
        return False
    if (tracker.latest_message.intent or {}).get("name") not in plain_answer_intents():
        return False
    return not tracker.active_loop_name or tracker.is_active_loop_rejected


def _earlier(tracker: DialogueStateTracker) -> Iterator[dict]:
    """User and bot events before her latest message, newest first."""
    seen_latest = False
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_latest:
                yield event.as_dict()
            seen_latest = True
        elif seen_latest and isinstance(event, BotUttered):
            yield event.as_dict()


def conversation_of(tracker: DialogueStateTracker) -> answering.Conversation:
    latest = tracker.latest_message.parse_data if tracker.latest_message else {}
    channel = answering.channel_for(tracker.get_latest_input_channel(), tracker.get_slot("advocate_mode"))
    return answering.Conversation(dict(latest), tracker.get_slot, lambda: _earlier(tracker), channel)


def steps_sent(tracker: DialogueStateTracker) -> int:
    """How many of this turn's answer steps have been sent: the `utter_answer` actions
    since her latest message, with nothing else between (but the dropping of a form's
    question after them, which this policy asked for)."""
    sent, latest = 0, True
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted):
            was_latest, latest = latest, False
            if was_latest and event.action_name == ACTION_DEACTIVATE_LOOP_NAME:
                continue
            if event.action_name != UTTER_ANSWER:
                break
            sent += 1
    return sent


def times_moved_on(tracker: DialogueStateTracker) -> int:
    """How often she said something else while the active form waited for her answer
    (Rasa rejects the form each time), since the form began."""
    name, times = tracker.active_loop_name, 0
    for event in reversed(tracker.events):
        if isinstance(event, ActiveLoop) and event.name == name:
            break
        if isinstance(event, ActionExecutionRejected) and event.action_name == name:
            times += 1
    return times


def answer_for(tracker: DialogueStateTracker) -> answering.Answer:
    """This turn's answer, worked out once per turn (the NLG and the policy both ask)."""
    latest = tracker.latest_message
    key = (tracker.sender_id, getattr(latest, "timestamp", None), getattr(latest, "text", None))
    if key not in _answers:
        content = renderer().content
        conversation = conversation_of(tracker)
        _answers[key] = answering.answer(content, answering.turn_of(content, conversation), tracker.get_slot)
        while len(_answers) > _KEPT_ANSWERS:
            _answers.popitem(last=False)
    return _answers[key]


class ContentNLG(TemplatedNaturalLanguageGenerator):
    """`utter_answer` rendered from content; every other response as Rasa would."""

    def __init__(self, endpoint_config: Any = None, domain: Domain | None = None) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(self, utter_action: str, tracker: DialogueStateTracker, output_channel: str,
                       **kwargs: Any) -> dict[str, Any] | None:
        if utter_action != UTTER_ANSWER:
            return await super().generate(utter_action, tracker, output_channel, **kwargs)
        channel = conversation_of(tracker).channel
        try:
            steps = answer_for(tracker).steps
            return answering.message(renderer(), steps[steps_sent(tracker)], channel).as_dict()
        except Exception:
            logger.exception("the in-process answer failed")  # no user text in logs
            return renderer().message(ids.ERROR, channel).as_dict()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class PlanSteps(Policy):
    """The first `utter_answer` of a plain answer (other answers' first is a rule's),
    then one more per step of the plan; then listen, with the slots that record them
    (or, when a form was asking a question, the form again, or the second time she
    moved on, the question dropped)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": PRIORITY}

    def train(self, training_trackers: Any, domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn: the plan is content and code

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Any = None, **kwargs: Any) -> PolicyPrediction:
        abstain = self._default_predictions(domain)
        sent = steps_sent(tracker)
        if not sent:
            if starts_plain_answer(tracker):
                return self._prediction(confidence_scores_for(UTTER_ANSWER, 1.0, domain))
            return self._prediction(abstain)
        try:
            planned = answer_for(tracker)
        except Exception:
            logger.exception("planning the in-process answer failed")
            return self._prediction(abstain)
        if sent < len(planned.steps):
            return self._prediction(confidence_scores_for(UTTER_ANSWER, 1.0, domain))
        recorded = [SlotSet(name, value) for name, value in planned.slots.items()]
        if tracker.active_loop_name:
            # She was answered while a form waited: back to its question, or, the second
            # time she moved on, drop it (then listen, below).
            if times_moved_on(tracker) >= MOVED_ON_TIMES_BEFORE_DROPPING:
                return self._prediction(confidence_scores_for(ACTION_DEACTIVATE_LOOP_NAME, 1.0, domain))
            return self._prediction(confidence_scores_for(tracker.active_loop_name, 1.0, domain), events=recorded)
        # Done: listen. (The rules' own match ends after one `utter_answer`.)
        return self._prediction(confidence_scores_for(ACTION_LISTEN_NAME, 1.0, domain), events=recorded)
