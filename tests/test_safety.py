"""The safety phrase list: each phrase catches its examples; idioms do not alarm."""
from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pytest
import yaml

from bot.safety import PHRASES_FILE, PhraseList, check, normalise
from tests.conftest import ROOT

PHRASES = yaml.safe_load(PHRASES_FILE.read_text())
SAFETY_SET = ROOT / "tests" / "safety" / "safety_set.yml"
HELD_OUT_SET = ROOT / "tests" / "safety" / "held_out_set.yml"
KINDS = ("danger", "crisis", "abuse", "check_in", "harm_thoughts", "get_checked", "cant_talk")


def examples(kind, key="examples"):
    return [(entry["phrase"], text) for entry in PHRASES[kind] for text in entry.get(key) or []]


def test_every_phrase_has_an_example():
    for kind in KINDS + ("idiom", "now"):
        for entry in PHRASES[kind]:
            assert entry.get("examples"), f"content/safety/phrases.yml: give `{entry['phrase']}` an example"


@pytest.mark.parametrize("kind", KINDS)
def test_each_phrase_catches_its_examples(kind):
    # Harm already done (an overdose taken) gets "get checked now", which also gives 999.
    # A warning sign may get the crisis answer itself rather than the check-in.
    allowed = {kind, "get_checked"} if kind in ("danger", "crisis") else {kind, "crisis"} if kind == "check_in" else {kind}
    for phrase, text in examples(kind):
        finding = check(text)
        assert finding.kind in allowed, f"{text!r} should get {kind} (phrase {phrase!r}), got {finding}"


@pytest.mark.parametrize("kind", KINDS)
def test_near_misses_written_for_a_phrase_do_not_get_its_reply(kind):
    # `not` examples: the `unless` words around a phrase ("plastic knife") stop it.
    for phrase, text in examples(kind, "not"):
        finding = check(text)
        assert phrase not in finding.phrases, f"{text!r} should not match {phrase!r}: {finding}"
        if kind in ("crisis", "danger"):
            assert finding.kind not in ("crisis", "danger"), (text, finding)


def test_every_phrase_with_unless_words_shows_a_near_miss():
    for kind in KINDS:
        for entry in PHRASES[kind]:
            if entry.get("unless"):
                assert entry.get("not"), f"give `{entry['phrase']}` a `not` example for its `unless` words"


@pytest.mark.parametrize("phrase, text", examples("now"))
def test_abuse_happening_now_is_danger(phrase, text):
    assert check(text).kind == "danger"


def test_now_words_alone_alarm_nobody():
    assert check("can the meeting be right now or just now").kind is None
    assert check("he hit me last year").kind == "abuse"
    assert check("he hit me and hes still here").kind == "danger"


@pytest.mark.parametrize("phrase, text", examples("idiom"))
def test_idioms_are_not_danger(phrase, text):
    finding = check(text)
    assert finding.kind is None and finding.idiom


@pytest.mark.parametrize("phrase, text", examples("not_me"))
def test_she_says_she_is_not_at_risk_and_gets_no_safety_reply(phrase, text):
    finding = check(text)
    assert finding.kind is None and finding.idiom, (text, finding)


@pytest.mark.parametrize("phrase, text", examples("not_me", "not"))
def test_a_hedged_denial_still_gets_the_safety_reply(phrase, text):
    # "not suicidal yet" still gets the crisis answer; "not in danger yet but..." the danger one.
    assert check(text).kind == ("danger" if "danger" in phrase else "crisis"), text


@pytest.mark.parametrize("text, kind", [
    ("im not suicidal but he is outside with a knife", "danger"),
    ("im not suicidal, i just cant go on like this", "crisis"),
    ("i would never hurt my baby but he hits her when hes drunk", "abuse"),
    ("im not saying im going to kill myself but i think about it", "crisis"),  # a hedge, not a denial
    ("i never thought i would hurt my baby but the thoughts keep coming", "harm_thoughts"),
])
def test_a_denial_sets_aside_only_its_own_words(text, kind):
    assert check(text).kind == kind


def test_on_off_yes_and_no_must_be_quoted_in_the_phrase_file(tmp_path):
    path = tmp_path / "phrases.yml"
    path.write_text("danger:\n  - phrase: trying to get in\n    unless: [touch, on]\n    examples: [x]\n")
    with pytest.raises(ValueError, match="quotes"):
        PhraseList.load(path)


def test_text_speak_is_spelled_out():
    assert normalise("Wanna KMS!!! cos im done") == "want to kill myself because i am done".split()
    assert normalise("He’s outside") == ["he", "is", "outside"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("when is the final hearing, not that it matters, i wont be here for it", "crisis"),
        ("can i bring someone to conference, my partner wont let me go anywhere alone", "abuse"),
        ("hes got a knife and i want to die", "danger"),  # most urgent first
        ("wat happens at the IRH tbh i just wanna end it all", "crisis"),
        ("SUCIDAL", "crisis"),
        ("im fine just asking about the PLO meeting", None),
        ("what is a section 47", None),
    ],
)
def test_buried_misspelt_and_ordinary_messages(text, kind):
    assert check(text).kind == kind


@pytest.mark.parametrize("text", ["", "   ", "😭" * 1000, "<b>x</b>", "{{ 7*7 }}", "a " * 100_000])
def test_bad_input_never_crashes(text):
    assert check(text).kind is None


def test_a_new_phrase_file_is_read_without_code_changes(tmp_path):
    path = tmp_path / "phrases.yml"
    path.write_text(yaml.safe_dump({"crisis": [{"phrase": "cannot see a way * out", "examples": ["x"]}]}))
    assert PhraseList.load(path).check("i cannot see a way out of this").kind == "crisis"


def phrase_list(tmp_path, kinds: dict) -> PhraseList:
    path = tmp_path / "phrases.yml"
    path.write_text(yaml.safe_dump(kinds))
    return PhraseList.load(path)


def test_alternatives_numbers_and_context_words(tmp_path):
    phrases = phrase_list(tmp_path, {
        "danger": [{"phrase": "took # tablet~", "examples": ["x"]},
                   {"phrase": "knife", "unless": ["plastic", "cake"], "examples": ["x"]}],
        "crisis": [{"phrase": "kill~ myself|herself", "examples": ["x"]}],
    })
    assert phrases.check("she took 30 tablets").kind == "danger"
    assert phrases.check("she took some tablets").kind is None
    assert phrases.check("she says she will kill herself").kind == "crisis"
    assert phrases.check("hes got a knife").kind == "danger"
    assert phrases.check("a plastic knife from the play kitchen").kind is None
    assert phrases.check("can i bring a knife for the cake").kind is None
    # Context words count only near the phrase: a cake far away does not hide a knife.
    assert phrases.check("hes got a knife and hes shouting and i am scared, it was meant to be a birthday cake day").kind == "danger"


def test_a_phrase_starting_with_a_gap_is_refused_with_the_fix(tmp_path):
    with pytest.raises(ValueError, match="must start with a word"):
        phrase_list(tmp_path, {"crisis": [{"phrase": "* kill myself", "examples": ["x"]}]})


def test_checking_stays_fast_on_a_long_message():
    import time

    check("warm up the cache with these words")
    started = time.perf_counter()
    check("he said i will never see the kids again if i leave and the social worker " * 40)
    assert time.perf_counter() - started < 0.5


def test_slips_are_caught_but_short_words_keep_their_meaning(tmp_path):
    phrases = phrase_list(tmp_path, {"danger": [{"phrase": "taken * tablets", "examples": ["x"]}],
                                     "crisis": [{"phrase": "end my life", "examples": ["x"]},
                                                {"phrase": "cutting again", "examples": ["x"]}]})
    assert phrases.check("ive taken all my tabelts").kind == "danger"      # swapped letters
    assert phrases.check("ive takn all my tablets").kind is None          # "take" and "taken" differ too much
    assert phrases.check("i will take my tablets").kind is None
    assert phrases.check("i want to end my lfie").kind == "crisis"
    assert phrases.check("been cuttin again").kind == "crisis"             # dropped g


def test_a_phrase_inside_an_idiom_is_the_idiom():
    for text in ["This form is murder", "I nearly died laughing", "my ex will kill me if Im late",
                 "the social worker will kill me if I'm late again"]:
        finding = check(text)
        assert finding.kind is None and finding.idiom, (text, finding)


def load_set(path=SAFETY_SET):
    return yaml.safe_load(path.read_text())["messages"]


def test_the_safety_set_is_big_enough_and_varied():
    messages = load_set()
    counts = {kind: sum(m["class"] == kind for m in messages) for kind in KINDS + ("none",)}
    assert counts["crisis"] + counts["danger"] + counts["abuse"] >= 150 and counts["none"] >= 100, counts
    assert len({m["text"] for m in messages}) == len(messages)


def test_the_held_out_set_is_big_enough_varied_and_separate():
    messages = load_set(HELD_OUT_SET)
    counts = {kind: sum(m["class"] == kind for m in messages) for kind in KINDS + ("none",)}
    assert counts["crisis"] + counts["danger"] + counts["abuse"] >= 60 and counts["none"] >= 40, counts
    styles = {m["style"] for m in messages if m["class"] != "none"}
    assert {"sms", "misspelt", "buried", "advocate", "indirect"} <= styles, styles
    main = {" ".join(normalise(m["text"])) for m in load_set()}
    assert not [m["text"] for m in messages if " ".join(normalise(m["text"])) in main]


def _training_examples(only: str = "*") -> set[str]:
    found = set()
    for path in (ROOT / "data" / "nlu").glob(f"{only}.yml"):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                found.add(" ".join(normalise(line.strip().lstrip("-"))))
    return found


def test_no_test_message_is_in_the_training_data_or_the_phrase_examples():
    # Safety messages are in no training file; ordinary ones are not taught as safety.
    # (A few ordinary test questions are also in other topics' training data.)
    training, safety_training = _training_examples(), _training_examples("safety")
    written = {" ".join(normalise(text)) for kind in KINDS + ("idiom", "now")
               for key in ("examples", "not") for _, text in examples(kind, key)}
    for path in (SAFETY_SET, HELD_OUT_SET):
        for m in load_set(path):
            said = " ".join(normalise(m["text"]))
            assert said not in (training if m["class"] != "none" else safety_training), \
                f"{path.name}: {m['text']!r} is in data/nlu"
            if path == HELD_OUT_SET:  # not even nearly: phrases must not be tuned to this set
                close = [w for w in written if SequenceMatcher(None, said.split(), w.split()).ratio() > 0.85]
                assert not close, f"held-out {m['text']!r} is nearly copied into phrases.yml: {close}"


def test_the_phrase_list_alone_catches_every_crisis_and_danger_message():
    # The classifier can only add to this: crisis and danger never depend on it.
    missed = [(m["class"], m["text"]) for m in load_set()
              if m["class"] in ("crisis", "danger") and check(m["text"]).kind not in ("crisis", "danger", "get_checked")]
    assert missed == []


def test_the_phrase_list_alone_catches_abuse():
    abuse = [m["text"] for m in load_set() if m["class"] == "abuse"]
    missed = [text for text in abuse if check(text).kind is None]
    assert len(missed) <= 0.02 * len(abuse), missed


@pytest.mark.parametrize("path", [SAFETY_SET, HELD_OUT_SET], ids=["safety_set", "held_out_set"])
def test_the_phrase_list_alone_rarely_alarms_on_ordinary_messages(path):
    ordinary = [m for m in load_set(path) if m["class"] == "none"]
    alarms = [m["text"] for m in ordinary if check(m["text"]).kind in ("crisis", "danger")]
    assert len(alarms) <= 0.02 * len(ordinary), alarms
