"""Independent parsers that apply the feed's own VTIMEZONEs: vobject, ical.js and libical.

Both fall back silently for a TZID the file does not define (vobject to its own zone
database, ical.js to floating time), so each reader also reports the TZIDs used and
defined, and the tests check every one used is defined.
"""

import json
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import vobject
import vobject.icalendar

ROOT = Path(__file__).resolve().parents[2]
ICALJS_SCRIPT = Path(__file__).with_name("icaljs_instants.mjs")
LIBICAL_SCRIPT = Path(__file__).with_name("libical_instants.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-gi and gir1.2-ical-3.0 live there


def _instant(value) -> datetime | date:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value} in the feed"
        return value.astimezone(UTC)
    return value


def tzids_used(body: bytes) -> set[str]:
    unfolded = body.decode("utf-8").replace("\r\n ", "")
    return set(re.findall(r"^(?:DTSTART|DTEND)[^:\r\n]*;TZID=([^:;\r\n]+)", unfolded, re.M))


def _forget_vobject_zones() -> None:
    """vobject keeps the first tzinfo registered per TZID for the whole process and then
    ignores later VTIMEZONEs with that TZID: forget them, so each feed's own is applied."""
    registry = vobject.icalendar.__dict__["__tzidMap"]
    registry.clear()
    registry["UTC"] = vobject.icalendar.utc


def read_with_vobject(body: bytes) -> dict:
    _forget_vobject_zones()
    calendar = vobject.readOne(body.decode("utf-8"))
    defined = [tz.tzid.value for tz in getattr(calendar, "vtimezone_list", [])]
    used, entries = tzids_used(body), {}
    for vevent in getattr(calendar, "vevent_list", []):
        entries[vevent.uid.value] = {
            "start": _instant(vevent.dtstart.value),
            "end": _instant(vevent.dtend.value),
            "sequence": int(vevent.sequence.value),
            "status": vevent.status.value,
            "summary": vevent.summary.value,
        }
    return {"defined": defined, "used": sorted(used), "entries": entries}


def _from_json(value: dict) -> datetime | date:
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "utc" in value:
        return datetime.fromtimestamp(value["utc"], UTC)
    raise AssertionError(f"read as a floating time: {value}")


def read_with_icaljs(body: bytes) -> dict:
    node = shutil.which("node")
    assert node, "node is needed to run ical.js (Debian package nodejs)"
    assert (ROOT / "node_modules" / "ical.js").exists(), "run: npm ci --ignore-scripts"
    return _from_script([node, str(ICALJS_SCRIPT)], body)


def _from_script(command: list[str], body: bytes) -> dict:
    result = subprocess.run(command, input=body, capture_output=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    entries = {
        item["uid"]: {
            "start": _from_json(item["start"]),
            "end": _from_json(item["end"]),
            "sequence": item["sequence"],
            "status": item["status"],
            "summary": item["summary"],
        }
        for item in data["entries"]
    }
    return {"defined": data["defined"], "used": sorted(data["used"]), "entries": entries}


def read_with_libical(body: bytes) -> dict:
    """libical (Evolution's parser) through GObject introspection, in the system python."""
    assert Path(SYSTEM_PYTHON).exists(), "libical is read with the system python"
    return _from_script([SYSTEM_PYTHON, str(LIBICAL_SCRIPT)], body)


def read_all(body: bytes) -> dict:
    """Entries as vobject, ical.js and libical read them, after checking all three agree
    and every TZID is defined."""
    entries = read_both(body)
    by_libical = read_with_libical(body)
    missing = set(by_libical["used"]) - set(by_libical["defined"])
    assert not missing, f"TZIDs used without a VTIMEZONE: {missing}"
    spans = {uid: (entry["start"], entry["end"]) for uid, entry in entries.items()}
    assert spans == {
        uid: (entry["start"], entry["end"]) for uid, entry in by_libical["entries"].items()
    }, "libical reads other instants than vobject and ical.js"
    return entries


def read_both(body: bytes) -> dict:
    """Entries as both parsers read them, after checking they agree and TZIDs are defined."""
    by_vobject, by_icaljs = read_with_vobject(body), read_with_icaljs(body)
    for reading in (by_vobject, by_icaljs):
        missing = set(reading["used"]) - set(reading["defined"])
        assert not missing, f"TZIDs used without a VTIMEZONE: {missing}"
    spans = {uid: (entry["start"], entry["end"]) for uid, entry in by_vobject["entries"].items()}
    assert spans == {
        uid: (entry["start"], entry["end"]) for uid, entry in by_icaljs["entries"].items()
    }, "vobject and ical.js read different instants"
    return by_vobject["entries"]
