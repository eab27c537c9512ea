"""The "Where am I?" journey map: the stages in their usual order, grouped, with branches.

Rasa-free and built only from content: each stage item's `title` and `next` links,
the order in `bot.content.STAGE_ORDER` (as `Content.stage_order`) and the group names
in content/labels.yml. The web server serves it as /journey.json for the chat widget;
the advocates' printed index shows the same data.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.content import Content, intent_for

# Where each group starts in the stage order: a stage belongs to the group of the
# nearest start at or before it, so a stage added to STAGE_ORDER lands in its place.
GROUP_STARTS = (
    ("help", "stage/early-help"),           # early help, referral and assessment
    ("plan", "stage/icpc"),                 # the conference and the child protection plan
    ("pre", "stage/section-20"),            # before court: letter before proceedings
    ("urgent", "stage/epo"),                # when things happen fast
    ("court", "stage/care-proceedings"),    # care proceedings and their hearings
    ("after", "stage/orders"),              # orders, and life after them
)
GROUP_LABELS = {key: f"journey_group_{key}" for key, _ in GROUP_STARTS}
# Care proceedings should end within 26 weeks of the day the application is issued.
PROCEEDINGS_WEEKS = 26
CLOCK_ID = "dates/proceedings-deadline"
CLOCK_PART = "result"


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    group: str
    next: tuple[str, ...]

    @property
    def payload(self) -> str:
        """What the widget sends to open it: "/" and its intent, e.g. /stage_icpc."""
        return "/" + intent_for(self.id)

    @property
    def stem(self) -> str:
        return self.id.split("/", 1)[1]


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    stages: tuple[Stage, ...]


def stages(content: Content) -> list[Stage]:
    """Every stage in the usual order, each with its group and the stages it can lead to."""
    starts = {stage_id: key for key, stage_id in GROUP_STARTS}
    group = GROUP_STARTS[0][0]
    found = []
    for stage_id in content.stage_order:
        group = starts.get(stage_id, group)
        item = content.item(stage_id)
        found.append(Stage(stage_id, item.title, group, tuple(n for n in item.next if n in content.items)))
    return found


def groups(content: Content) -> list[Group]:
    """The stages by group, in order; a group with no stages is left out."""
    every = stages(content)
    return [
        Group(key, content.labels[GROUP_LABELS[key]], tuple(s for s in every if s.group == key))
        for key, _ in GROUP_STARTS if any(s.group == key for s in every)
    ]


def journey_json(content: Content) -> dict:
    """The map as the widget reads it (/journey.json)."""
    titles = {stage_id: content.item(stage_id).title for stage_id in content.stage_order}
    return {
        "groups": [
            {
                "key": group.key,
                "label": group.label,
                "stages": [
                    {
                        "id": stage.id, "title": stage.title, "payload": stage.payload,
                        "next": [{"id": n, "title": titles[n]} for n in stage.next if n in titles],
                    }
                    for stage in group.stages
                ],
            }
            for group in groups(content)
        ],
        "clock": {"content_id": CLOCK_ID, "part": CLOCK_PART, "weeks": PROCEEDINGS_WEEKS},
    }
