// Read an iCalendar feed on stdin with ical.js (Thunderbird's parser) and print, as JSON,
// each entry's start and end as UTC instants (or dates for all-day entries), computed
// with the feed's own VTIMEZONE definitions, plus the TZIDs used and defined.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(0, "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
ICAL.TimezoneService.reset();
const defined = [];
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  defined.push(zone.tzid);
}

const used = new Set();
function instant(property) {
  const tzid = property.getParameter("tzid");
  if (tzid) used.add(tzid);
  const time = property.getFirstValue();
  if (time.isDate) return { date: time.toString() };
  if (tzid && !ICAL.TimezoneService.has(tzid)) return { floating: time.toString() };
  if (tzid) time.zone = ICAL.TimezoneService.get(tzid);
  return { utc: time.toUnixTime() };
}

const entries = calendar.getAllSubcomponents("vevent").map((vevent) => ({
  uid: vevent.getFirstPropertyValue("uid"),
  sequence: vevent.getFirstPropertyValue("sequence"),
  status: vevent.getFirstPropertyValue("status"),
  summary: vevent.getFirstPropertyValue("summary"),
  start: instant(vevent.getFirstProperty("dtstart")),
  end: instant(vevent.getFirstProperty("dtend")),
}));
process.stdout.write(JSON.stringify({ defined, used: [...used], entries }));
