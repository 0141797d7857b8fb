import ICAL from "ical.js";
import {
  type Attendee,
  type EventBase,
  endOf,
  instantMs,
  isCancelled,
  lengthOf,
  type OffsetZone,
  readAttendees,
  readEvent,
  readTime,
  sequenceOf,
  summaryOf,
  toMs,
  type WallTime,
  wallMs,
} from "./event-reader.ts";
import { NotACalendarError, parseLeniently } from "./ics-parse.ts";
import { RSCALE_RULE, repairCalendar } from "./ics-repair.ts";
import { ruleInstances } from "./recurrence.ts";
import { ZoneResolver } from "./zones.ts";

export type { Attendee } from "./event-reader.ts";
export { NotACalendarError } from "./ics-parse.ts";
export { ianaName } from "./zones.ts";

/** The instants an expansion covers, half-open: occurrences starting in [from, to). */
export interface ExpandWindow {
  from: Date;
  to: Date;
}

/** One VEVENT (a series master, a single event, or an override whose master is missing). */
export interface CalendarEvent {
  uid: string;
  summary: string;
  description: string;
  organizer: string | null;
  /** People only: rooms and resources (CUTYPE=ROOM/RESOURCE) are in `rooms`. */
  attendees: Attendee[];
  rooms: string[];
  /** How many people the event listed before the cap; more than `attendees.length` when capped. */
  attendeeTotal: number;
  rrule: string | null;
  recurring: boolean;
  /** false for an RRULE with neither COUNT nor UNTIL. */
  hasEnd: boolean;
  /** The IANA zone the event's wall times were read in (null for UTC and all-day). */
  timeZone: string | null;
  allDay: boolean;
  durationMinutes: number;
}

export interface Occurrence {
  /** Index into `Expansion.events`. */
  event: number;
  uid: string;
  /** The instance this occurrence replaces (overrides) or is (recurring), as a UTC ISO instant. */
  recurrenceId: string | null;
  start: string;
  end: string;
  allDay: boolean;
  summary: string;
  attendees: Attendee[];
}

export interface Expansion {
  events: CalendarEvent[];
  occurrences: Occurrence[];
  /** Human-readable notes about what was skipped or adjusted, each naming the event. */
  problems: string[];
  /** UIDs of one-off events that start outside the window: not read further (one note counts them). */
  outside: string[];
}

/** Limits that keep a hostile calendar from costing more than a normal one. */
export interface ExpandBudget {
  /** Occurrences kept per series within the window; the rest are counted in a note. */
  maxOccurrencesPerSeries: number;
  /** Instances looked at per rule (a sub-daily rule starts at the window, not at its DTSTART). */
  maxIterationsPerRule: number;
  /** Wall-clock time for the whole file; series not reached by then are listed in a note. */
  timeMs: number;
}

export const defaultBudget: ExpandBudget = {
  maxOccurrencesPerSeries: 20_000,
  maxIterationsPerRule: 50_000,
  timeMs: 20_000,
};

export interface ExpandOptions {
  /** At most this many people per event are kept (the rest are counted, not listed). */
  maxAttendees?: number;
  /** Read floating times (no TZID, no Z) in this zone when the file names none. */
  defaultTimeZone?: string;
  budget?: Partial<ExpandBudget>;
}

const weekMs = 7 * 86_400_000;
/** Wall time and UTC differ by at most 14 hours, plus a day for all-day events. */
const wallMarginMs = 38 * 3_600_000;

/** Last 8 weeks and next 26 weeks around `now`. */
export function defaultWindow(now: Date): ExpandWindow {
  return { from: new Date(now.getTime() - 8 * weekMs), to: new Date(now.getTime() + 26 * weekMs) };
}

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
  const repaired = repairCalendar(head);
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
      if (!overrides.has(uid) && isOneOffOutside(master, zones, fromMs, toMs_)) {
        outside.push(uid);
        continue;
      }
      const base = readEvent(master, uid, zones, maxAttendees, problems);
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
        const rid = readTime(o.getFirstProperty("recurrence-id") as ICAL.Property, zones, null);
        const first = toMs(base.start, base.allDay);
        const instances = [{ time: base.start, lengthMs: null as number | null }, ...base.rdates];
        const seen = new Set<number>();
        for (const r of instances) {
          const startMs = instantMs(base.allDay ? dayOf(r.time) : r.time, offsetZone(base));
          if (seen.has(startMs) || !inWindow(startMs)) continue;
          seen.add(startMs);
          const zone = base.allDay ? null : (base.start.zone as unknown as OffsetZone);
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
function isOneOffOutside(ve: ICAL.Component, zones: ZoneResolver, fromMs: number, toMs_: number): boolean {
  if (ve.hasProperty("rrule") || ve.hasProperty("rdate") || ve.hasProperty(RSCALE_RULE.toLowerCase())) return false;
  const prop = ve.getFirstProperty("dtstart");
  const start = prop ? readTime(prop, zones, null) : null;
  if (!start) return false; // readEvent says why
  const startMs = toMs(start, start.isDate);
  return startMs < fromMs || startMs >= toMs_;
}

/**
 * Masters and overrides by UID; between two versions of the same event (or of the same
 * instance), the higher SEQUENCE wins (RFC 5545 §3.8.7.4), the earlier in the file on a tie.
 * An event without a UID gets one made from its start, rule and title, so re-imports match.
 */
function versionsByUid(
  vevents: ICAL.Component[],
  problems: string[],
): { masters: Map<string, ICAL.Component>; overrides: Map<string, Map<number, ICAL.Component>> } {
  const masters = new Map<string, ICAL.Component>();
  const overrides = new Map<string, Map<number, ICAL.Component>>();
  let madeUp = 0;
  for (const ve of vevents) {
    // Detach from the VCALENDAR: ical.js otherwise scans every sibling for a VTIMEZONE on each
    // TZID it reads (quadratic in the file size); zones are resolved by ZoneResolver instead.
    (ve as unknown as { parent: ICAL.Component | null }).parent = null;
    let uid = String(ve.getFirstPropertyValue("uid") ?? "").trim();
    if (!uid) {
      uid = madeUpUid(ve);
      madeUp++;
    }
    if (ve.hasProperty("recurrence-id")) {
      const byRid = overrides.get(uid) ?? new Map<number, ICAL.Component>();
      overrides.set(uid, byRid);
      const key = ridKey(ve);
      const other = byRid.get(key);
      if (!other || sequenceOf(ve) > sequenceOf(other)) byRid.set(key, ve);
      continue;
    }
    const other = masters.get(uid);
    if (!other) masters.set(uid, ve);
    else if (uid.startsWith("no-uid-")) masters.set(`${uid}-${masters.size}`, ve);
    else {
      const newer = sequenceOf(ve) > sequenceOf(other);
      if (newer) masters.set(uid, ve);
      problems.push(
        `Event ${uid} appears twice; the copy with ${newer || sequenceOf(ve) < sequenceOf(other) ? "the higher SEQUENCE" : "the same SEQUENCE that comes first"} was kept.`,
      );
    }
  }
  if (madeUp) {
    problems.push(
      `${madeUp} event${madeUp === 1 ? " has" : "s have"} no UID; each was given one made from its start, rule and title.`,
    );
  }
  return { masters, overrides };
}

/** The raw RECURRENCE-ID text with its TZID: enough to tell two versions of one instance apart. */
function ridKey(ve: ICAL.Component): number {
  const p = ve.getFirstProperty("recurrence-id") as ICAL.Property;
  return hash(`${p.getParameter("tzid") ?? ""}|${JSON.stringify(p.toJSON().slice(3))}`);
}

function madeUpUid(ve: ICAL.Component): string {
  const parts = ["dtstart", "rrule", "summary"].map((name) => {
    const p = ve.getFirstProperty(name);
    return p ? JSON.stringify(p.toJSON()) : "";
  });
  return `no-uid-${hash(parts.join("|")).toString(36)}`;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
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

function occurrenceOf(base: EventBase, index: number, startMs: number, endMs: number, rid: number | null): Occurrence {
  return {
    event: index,
    uid: base.uid,
    recurrenceId: rid === null ? null : new Date(rid).toISOString(),
    start: new Date(startMs).toISOString(),
    end: new Date(Math.max(startMs, endMs)).toISOString(),
    allDay: base.allDay,
    summary: base.summary,
    attendees: base.attendees,
  };
}

interface SeriesInput {
  base: EventBase;
  index: number;
  own: Map<number, ICAL.Component>;
  zones: ZoneResolver;
  maxAttendees: number;
  problems: string[];
  budget: ExpandBudget;
  inWindow: (startMs: number) => boolean;
  push: (o: Occurrence, startMs: number) => void;
  fromMs: number;
  toMs: number;
}

/** A change that applies to an instance and every later one (RECURRENCE-ID;RANGE=THISANDFUTURE). */
interface FutureChange {
  ridMs: number;
  shiftMs: number;
  override: ICAL.Component;
}

function expandSeries(input: SeriesInput): void {
  const { base, index, zones, problems, budget, inWindow, push } = input;
  const zone = base.allDay ? null : (base.start.zone as ICAL.Timezone);
  const replaced = new Map<number, ICAL.Component>();
  const future: FutureChange[] = [];
  for (const o of input.own.values()) {
    const ridProp = o.getFirstProperty("recurrence-id") as ICAL.Property;
    const rid = readTime(ridProp, zones, zone);
    if (!rid) {
      problems.push(`Event ${base.uid}: a changed instance with an unreadable RECURRENCE-ID was left out.`);
      continue;
    }
    const ridMs = toMs(rid, base.allDay);
    replaced.set(ridMs, o);
    if (String(ridProp.getParameter("range") ?? "").toUpperCase() === "THISANDFUTURE") {
      const start = readTime(o.getFirstProperty("dtstart") as ICAL.Property, zones, zone);
      future.push({ ridMs, shiftMs: start ? toMs(start, base.allDay) - ridMs : 0, override: o });
    }
  }
  future.sort((a, b) => a.ridMs - b.ridMs);

  const seen = new Set<number>();
  let kept = 0;
  let over = 0;
  // Each instance is keyed by its start in epoch ms (computed once), which is also what
  // EXDATEs and overrides are keyed by.
  const offsets = offsetZone(base);
  // `zone`: an RDATE may name a zone of its own (or be UTC).
  const emit = (wall: WallTime, lengthMs: number | null, zone: OffsetZone | null = offsets): void => {
    const startMs = instantMs(base.allDay ? dayOf(wall) : wall, zone);
    if (seen.has(startMs)) return;
    seen.add(startMs);
    if (base.exdates.has(startMs) || replaced.has(startMs)) return; // overrides are emitted below
    const change = latestChange(future, startMs);
    const at = change ? startMs + change.shiftMs : startMs;
    if (!inWindow(at)) return;
    if (kept >= budget.maxOccurrencesPerSeries) {
      over++;
      return;
    }
    kept++;
    if (change) {
      const o = readOverride(change.override, base, index, at, startMs, zones, input.maxAttendees, problems);
      if (o) push(o, at);
      return;
    }
    const endMs = lengthMs === null ? endOf(wall, startMs, base.length, base.allDay, zone) : startMs + lengthMs;
    push(occurrenceOf(base, index, startMs, endMs, base.rules.length || base.rdates.length ? startMs : null), startMs);
  };

  const startMs = toMs(base.start, base.allDay);
  // RFC 5545 §3.8.5.3: DTSTART is the first instance, even when the rule would not produce it.
  emit(base.start, null);
  for (const rule of base.rules) {
    const until = untilOf(rule.recur, base);
    if (until !== null && until.compare(startMs, wallMs(base.start)) > 0) {
      // RFC 5545 §3.8.5.3: DTSTART is the first instance, even when UNTIL comes before it.
      problems.push(
        `Event ${base.uid} ("${base.summary}") ends its rule before it starts; only its first occurrence was kept.`,
      );
      continue;
    }
    let instances: ReturnType<typeof ruleInstances>;
    try {
      instances = ruleInstances(rule, base.start, {
        fromWallMs: input.fromMs - wallMarginMs,
        untilWallMs: Math.min(input.toMs, until?.wallBound ?? Number.POSITIVE_INFINITY) + wallMarginMs,
        maxIterations: budget.maxIterationsPerRule,
      });
    } catch (error) {
      problems.push(
        `Event ${base.uid} ("${base.summary}"): its rule ${rule.text} could not be expanded (${(error as Error).message}); only its first occurrence was kept.`,
      );
      continue;
    }
    for (const wall of instances.starts) {
      if (until !== null && until.compare(instantMs(base.allDay ? dayOf(wall) : wall, offsets), wallMs(wall)) > 0)
        break;
      emit(wall, null);
    }
    if (instances.cut) {
      problems.push(
        `Event ${base.uid} ("${base.summary}") repeats too often; expansion stopped after ${budget.maxIterationsPerRule} instances.`,
      );
    }
  }
  for (const r of base.rdates) emit(r.time, r.lengthMs, zoneOf(r.time));
  if (over) {
    problems.push(
      `Event ${base.uid} ("${base.summary}") has more than ${budget.maxOccurrencesPerSeries} occurrences in the window; ${over} were left out.`,
    );
  }

  for (const [ridMs, o] of replaced) {
    const start = readTime(o.getFirstProperty("dtstart") as ICAL.Property, zones, zone);
    const atMs = start ? toMs(start, start.isDate) : ridMs;
    if (!inWindow(atMs) || isCancelled(o)) continue;
    const occurrence = readOverride(o, base, index, atMs, ridMs, zones, input.maxAttendees, problems);
    if (occurrence) push(occurrence, atMs);
  }
}

/** The day of a wall time, as a date (ICAL.Time keeps its fields in getters: no spreading). */
function dayOf(t: WallTime): WallTime {
  return { year: t.year, month: t.month, day: t.day, hour: 0, minute: 0, second: 0, isDate: true };
}

/** The zone of a parsed time (null for a date). */
function zoneOf(t: ICAL.Time): OffsetZone | null {
  return t.isDate ? null : (t.zone as unknown as OffsetZone);
}

/** The zone a series' wall times are in (null for all-day series). */
function offsetZone(base: EventBase): OffsetZone | null {
  return base.allDay ? null : (base.start.zone as unknown as OffsetZone);
}

function latestChange(future: FutureChange[], startMs: number): FutureChange | null {
  let found: FutureChange | null = null;
  for (const f of future) {
    if (f.ridMs < startMs) found = f;
    else break;
  }
  return found;
}

/** UNTIL as an instant (UTC), or as a wall time (floating, or a date: through that whole day). */
function untilOf(
  recur: ICAL.Recur | null,
  base: EventBase,
): { compare: (instantMs: number, wall: number) => number; wallBound: number } | null {
  const until = recur?.until;
  if (!until) return null;
  if (until.isDate) {
    const last = Date.UTC(until.year, until.month - 1, until.day) + (base.allDay ? 0 : 86_399_000);
    return { compare: (_, wall) => wall - last, wallBound: last };
  }
  if (until.zone === ICAL.Timezone.utcTimezone) {
    const at = until.toUnixTime() * 1000;
    return { compare: (instant) => instant - at, wallBound: at };
  }
  // A floating UNTIL is read as the event's own wall time (as Outlook and ical.net mean it).
  const wall = wallMs(until);
  return { compare: (_, w) => w - wall, wallBound: wall };
}

function readOverride(
  o: ICAL.Component,
  base: EventBase,
  index: number,
  startMs: number,
  ridMs: number,
  zones: ZoneResolver,
  maxAttendees: number,
  problems: string[],
): Occurrence | null {
  if (isCancelled(o)) return null;
  const zone = base.allDay ? null : (base.start.zone as ICAL.Timezone);
  const startProp = o.getFirstProperty("dtstart");
  const own = startProp ? readTime(startProp, zones, zone) : null;
  const allDay = own ? own.isDate : base.allDay;
  const length =
    o.hasProperty("dtend") || o.hasProperty("duration") ? lengthOf(o, own ?? base.start, zones) : base.length;
  const wall = own ?? base.start;
  const endMs =
    endOf(wall, toMs(wall, allDay), length, allDay, wall.zone as unknown as OffsetZone) - toMs(wall, allDay) + startMs;
  if (endMs < startMs) problems.push(`An instance of ${base.uid} ends before it starts; its length was read as zero.`);
  return {
    event: index,
    uid: base.uid,
    recurrenceId: new Date(ridMs).toISOString(),
    start: new Date(startMs).toISOString(),
    end: new Date(Math.max(startMs, endMs)).toISOString(),
    allDay,
    summary: o.hasProperty("summary") ? summaryOf(o) : base.summary,
    attendees: o.hasProperty("attendee") ? readAttendees(o, maxAttendees).attendees : base.attendees,
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
