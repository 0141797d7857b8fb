import type ICAL from "ical.js";
import {
  type EventBase,
  endOf,
  instantMs,
  isCancelled,
  readEvent,
  readTimeOf,
  startOf,
  toMs,
  type ZonedTime,
} from "./event-reader.ts";
import { versionsByUid } from "./event-versions.ts";
import {
  type CalendarEvent,
  defaultBudget,
  type ExpandOptions,
  type ExpandWindow,
  type Expansion,
  type Occurrence,
} from "./expansion.ts";
import { NotACalendarError, parseLeniently, withReadPropertiesOnly } from "./ics-parse.ts";
import { RSCALE_RULE, repairCalendar } from "./ics-repair.ts";
import { dayOf, expandSeries, occurrenceOf, zoneOf } from "./series-expansion.ts";
import { ZoneResolver } from "./zones.ts";

export * from "./expansion.ts";
export { ianaName } from "./zones.ts";

/**
 * Parses an iCalendar text and expands every event over `window`: recurrence rules, RDATE
 * (with PERIOD lengths), EXDATE, RECURRENCE-ID overrides (moved, shortened, cancelled, orphaned,
 * THISANDFUTURE), SEQUENCE between versions, cancelled events and all-day events. Instants are
 * UTC; all-day occurrences are dates at 00:00Z with an exclusive end. A pure function of its
 * arguments (no I/O, no clock but the time budget), so it can run in a worker.
 */
export function expand(ics: string, window: ExpandWindow, options: ExpandOptions = {}): Expansion {
  const began = performance.now();
  const budget = { ...defaultBudget, ...options.budget };
  const head = ics.replace(/^\uFEFF/, "");
  if (!/BEGIN:VCALENDAR/i.test(head.slice(0, 4096))) {
    throw new NotACalendarError("This is not an iCalendar file: it does not start with BEGIN:VCALENDAR.");
  }
  const repaired = repairCalendar(withReadPropertiesOnly(head));
  const problems: string[] = [...repaired.notes];
  const { calendars, vevents } = parseLeniently(repaired.text, problems);
  const zones = new ZoneResolver(calendars, options.defaultTimeZone, problems);
  const maxAttendees = options.maxAttendees ?? 500;
  const { masters, overrides } = versionsByUid(vevents, problems);

  const events: CalendarEvent[] = [];
  const occurrences: Occurrence[] = [];
  const starts: number[] = [];
  const fromMs = window.from.getTime();
  const toMs_ = window.to.getTime();
  const inWindow = (startMs: number): boolean => startMs >= fromMs && startMs < toMs_;
  const push = (o: Occurrence, startMs: number): void => {
    starts.push(startMs);
    occurrences.push(o);
  };
  let outOfTime = 0;
  const outside: string[] = [];

  for (const [uid, master] of masters) {
    if (performance.now() - began > budget.timeMs) {
      outOfTime++;
      continue;
    }
    try {
      const start = startOf(master, zones);
      if (!overrides.has(uid) && isOneOffOutside(master, start, fromMs, toMs_)) {
        outside.push(uid);
        continue;
      }
      const base = readEvent(master, uid, zones, maxAttendees, problems, start);
      if (!base) continue;
      const index = events.length;
      events.push(eventOf(base, zones));
      const own = overrides.get(uid) ?? new Map<number, ICAL.Component>();
      overrides.delete(uid);
      if (isCancelled(master)) continue;
      expandSeries({ base, index, own, zones, maxAttendees, problems, budget, inWindow, push, fromMs, toMs: toMs_ });
    } catch (error) {
      problems.push(`Event ${uid} could not be read (${(error as Error).message}); it was skipped.`);
    }
  }

  // Overrides whose master is not in the file (an invitation to one instance of a series); an
  // RDATE on one (Lotus Notes) adds instances of it.
  for (const [uid, list] of overrides) {
    for (const o of list.values()) {
      try {
        const base = readEvent(o, uid, zones, maxAttendees, problems);
        if (!base || isCancelled(o)) continue;
        const index = events.length;
        events.push({ ...eventOf(base, zones), recurring: base.rdates.length > 0 });
        const rid = readTimeOf(o, "recurrence-id", zones, null);
        const first = toMs(base.start, base.allDay);
        const instances = [{ time: base.start, lengthMs: null as number | null }, ...base.rdates];
        const seen = new Set<number>();
        for (const r of instances) {
          const zone = zoneOf(r.time);
          const startMs = instantMs(base.allDay ? dayOf(r.time) : r.time, zone);
          if (seen.has(startMs) || !inWindow(startMs)) continue;
          seen.add(startMs);
          const endMs =
            r.lengthMs === null ? endOf(r.time, startMs, base.length, base.allDay, zone) : startMs + r.lengthMs;
          const recurrenceId = startMs === first && rid ? toMs(rid, rid.isDate) : startMs;
          push(occurrenceOf(base, index, startMs, endMs, recurrenceId), startMs);
        }
      } catch (error) {
        problems.push(`Event ${uid} could not be read (${(error as Error).message}); it was skipped.`);
      }
    }
  }
  if (outside.length) {
    problems.push(
      `${outside.length} one-off event${outside.length === 1 ? " starts" : "s start"} outside the window (${window.from.toISOString().slice(0, 10)} to ${window.to.toISOString().slice(0, 10)}) and ${outside.length === 1 ? "was" : "were"} not imported.`,
    );
  }
  if (outOfTime) {
    problems.push(
      `The file took longer than ${Math.round(budget.timeMs / 1000)} s to expand; ${outOfTime} event${outOfTime === 1 ? " was" : "s were"} not expanded.`,
    );
  }
  return { events, occurrences: sortedByStart(occurrences, starts), problems, outside };
}

/** A one-off event (no rule, no extra dates) whose start is outside the window: nothing to import. */
function isOneOffOutside(ve: ICAL.Component, start: ZonedTime | null, fromMs: number, toMs_: number): boolean {
  if (ve.hasProperty("rrule") || ve.hasProperty("rdate") || ve.hasProperty(RSCALE_RULE.toLowerCase())) return false;
  if (!start) return false; // readEvent says why
  const startMs = toMs(start, start.isDate);
  return startMs < fromMs || startMs >= toMs_;
}

function eventOf(base: EventBase, zones: ZoneResolver): CalendarEvent {
  const rrule = base.rules.length ? base.rules.map((r) => r.text).join("\n") : null;
  return {
    uid: base.uid,
    summary: base.summary,
    description: base.description,
    organizer: base.organizer,
    attendees: base.attendees,
    rooms: base.rooms,
    attendeeTotal: base.attendeeTotal,
    rrule,
    recurring: base.rules.length > 0 || base.rdates.length > 0,
    hasEnd: base.rules.every((r) => /(^|;)(COUNT|UNTIL)=/i.test(r.text)),
    timeZone: base.allDay ? null : zones.nameOf(base.start),
    allDay: base.allDay,
    durationMinutes: base.allDay
      ? base.length.days * 1440
      : Math.round((base.length.nominalDays * 86_400 + base.length.seconds) / 60),
  };
}

/**
 * Sorted by start, then UID: bucket by start and sort the distinct starts as a typed array
 * (a comparator sort over tens of thousands of occurrences costs more than the rest of emit).
 */
function sortedByStart(occurrences: Occurrence[], starts: number[]): Occurrence[] {
  const buckets = new Map<number, Occurrence[]>();
  occurrences.forEach((o, i) => {
    const key = starts[i] as number;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(o);
    else buckets.set(key, [o]);
  });
  const sorted: Occurrence[] = [];
  for (const key of Float64Array.from(buckets.keys()).sort()) {
    const bucket = buckets.get(key) as Occurrence[];
    if (bucket.length > 1) bucket.sort((x, y) => (x.uid < y.uid ? -1 : x.uid > y.uid ? 1 : 0));
    for (const o of bucket) sorted.push(o);
  }
  return sorted;
}
