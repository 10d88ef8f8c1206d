"""Read an iCalendar feed on stdin with libical (Evolution's parser) and print, as JSON,
each entry's start and end as UTC instants (or dates for all-day entries), computed with
the feed's own VTIMEZONE definitions, plus the TZIDs used and defined.

Run with the system python (/usr/bin/python3): Debian's gir1.2-ical-3.0 and python3-gi.
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

Kind = ICalGLib.ComponentKind
Prop = ICalGLib.PropertyKind


def _children(component, kind):
    child = component.get_first_component(kind)
    while child is not None:
        yield child
        child = component.get_next_component(kind)


def _instant(vevent, kind, used):
    prop = vevent.get_first_property(kind)
    tzid = prop.get_first_parameter(ICalGLib.ParameterKind.TZID_PARAMETER)
    if tzid is not None:
        used.add(tzid.get_tzid())
    time = vevent.get_dtstart() if kind == Prop.DTSTART_PROPERTY else vevent.get_dtend()
    if time.is_date():
        return {"date": f"{time.get_year():04d}-{time.get_month():02d}-{time.get_day():02d}"}
    if time.get_timezone() is None and not time.is_utc():
        return {"floating": time.as_ical_string()}
    utc = time.clone()
    utc.convert_to_zone_inplace(ICalGLib.Timezone.get_utc_timezone())
    return {"utc": utc.as_timet()}


def _text(vevent, kind):
    prop = vevent.get_first_property(kind)
    return prop.get_value_as_string() if prop is not None else None


def main() -> None:
    calendar = ICalGLib.Component.new_from_string(sys.stdin.read())
    defined = [
        tz.get_first_property(Prop.TZID_PROPERTY).get_tzid()
        for tz in _children(calendar, Kind.VTIMEZONE_COMPONENT)
    ]
    used: set[str] = set()
    entries = []
    for vevent in _children(calendar, Kind.VEVENT_COMPONENT):
        entries.append(
            {
                "uid": vevent.get_uid(),
                "sequence": vevent.get_sequence(),
                "status": _text(vevent, Prop.STATUS_PROPERTY),
                "summary": vevent.get_summary(),
                "start": _instant(vevent, Prop.DTSTART_PROPERTY, used),
                "end": _instant(vevent, Prop.DTEND_PROPERTY, used),
            }
        )
    json.dump({"defined": defined, "used": sorted(used), "entries": entries}, sys.stdout)


if __name__ == "__main__":
    main()
