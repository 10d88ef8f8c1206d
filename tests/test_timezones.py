"""Wall-clock times the clocks skip are refused naming the gap; times they repeat are asked."""

from datetime import UTC, datetime

import pytest

from app.errors import DomainError
from app.timezones import RepeatedTime, choose_fold, local_to_utc, repeated_hour


@pytest.mark.parametrize(
    ("wall", "zone_name", "message"),
    [
        (
            datetime(2023, 3, 26, 2, 30),
            "Europe/Budapest",
            "02:30 does not exist in Budapest on 26 March 2023: clocks go from 02:00 to 03:00.",
        ),
        (
            datetime(2023, 3, 12, 2, 0),
            "America/New_York",
            "02:00 does not exist in New York on 12 March 2023: clocks go from 02:00 to 03:00.",
        ),
        (
            datetime(2023, 10, 1, 2, 10),
            "Australia/Lord_Howe",  # a half-hour change
            "02:10 does not exist in Lord Howe on 1 October 2023: clocks go from 02:00 to 02:30.",
        ),
        (
            datetime(2011, 12, 30, 12, 0),
            "Pacific/Apia",  # a whole day skipped
            "12:00 does not exist in Apia on 30 December 2011: clocks go from 00:00 on "
            "30 December 2011 to 00:00 on 31 December 2011.",
        ),
    ],
)
def test_a_skipped_time_is_refused_naming_the_gap(wall, zone_name, message):
    with pytest.raises(DomainError) as refused:
        local_to_utc(wall, zone_name, "start_time")
    assert refused.value.message == message
    assert refused.value.field == "start_time"


def test_the_minutes_around_the_gap_are_accepted():
    assert local_to_utc(datetime(2023, 3, 26, 1, 59), "Europe/Budapest") == datetime(
        2023, 3, 26, 0, 59, tzinfo=UTC
    )
    assert local_to_utc(datetime(2023, 3, 26, 3, 0), "Europe/Budapest") == datetime(
        2023, 3, 26, 1, 0, tzinfo=UTC
    )


def test_a_repeated_time_is_read_by_its_fold():
    wall = datetime(2023, 10, 29, 2, 30)
    assert repeated_hour(wall, "Europe/Budapest") == ("CEST, UTC+2", "CET, UTC+1")
    assert local_to_utc(wall, "Europe/Budapest") == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)
    later = choose_fold(wall, "Europe/Budapest", "later")
    assert local_to_utc(later, "Europe/Budapest") == datetime(2023, 10, 29, 1, 30, tzinfo=UTC)


def test_a_repeated_time_without_a_choice_is_asked_about():
    with pytest.raises(RepeatedTime) as asked:
        choose_fold(datetime(2023, 10, 29, 2, 30), "Europe/Budapest", None, "fold")
    assert asked.value.message == (
        "02:30 happens twice in Budapest on 29 October 2023, when the clocks go back: "
        "choose the earlier (CEST, UTC+2) or the later (CET, UTC+1)."
    )
    assert asked.value.field == "fold"


@pytest.mark.parametrize(
    ("wall", "zone_name"),
    [
        (datetime(2023, 10, 29, 3, 0), "Europe/Budapest"),  # after the repeated hour
        (datetime(2023, 3, 26, 2, 30), "Europe/Budapest"),  # a gap is not a repeat
        (datetime(2023, 10, 29, 2, 30), "Asia/Tokyo"),  # no clock changes
    ],
)
def test_times_that_happen_once_need_no_choice(wall, zone_name):
    assert repeated_hour(wall, zone_name) is None
    assert choose_fold(wall, zone_name, None) == wall
