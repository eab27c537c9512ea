"""python-dateutil 2.9 replaces Rasa 3.6's pin (<2.9) so current `holidays` can be used
(requirements/project.in). Rasa's one use of dateutil is reading back a reminder event's
time (rasa/shared/core/events.py, `parser.parse` of ReminderScheduled's "date_time"), so
that round trip is checked here under the version installed."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import dateutil
import pytest
from rasa.shared.core.events import Event, ReminderScheduled

from tests.conftest import ROOT

PROJECT_IN = ROOT / "requirements" / "project.in"


@pytest.mark.parametrize("when", [
    datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc),                       # the night of the clock change
    datetime(2026, 10, 25, 1, 30, 15, 250000, tzinfo=timezone(timedelta(hours=1))),
    datetime(2026, 12, 25, 9, 0),                                            # no time zone
])
def test_a_reminder_event_keeps_its_time_through_rasas_own_parsing(when):
    event = ReminderScheduled("utter_greet", when, name="r1", kill_on_user_message=False)
    back = Event.from_parameters(event.as_dict())
    assert isinstance(back, ReminderScheduled) and back.trigger_date_time == when
    assert back.trigger_date_time.utcoffset() == when.utcoffset()


def test_the_installed_version_is_the_one_the_requirements_chose():
    # Checked against the pin itself, so this test follows when the pin moves.
    pin = next(line.split("==")[1].strip() for line in PROJECT_IN.read_text().splitlines()
               if line.startswith("python-dateutil=="))
    assert dateutil.__version__ == pin
