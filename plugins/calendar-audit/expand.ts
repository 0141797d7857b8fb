import ICAL from "ical.js";
import { windowsZones } from "./windows-zones.ts";

/** The instants an expansion covers, half-open: occurrences starting in [from, to). */
export interface ExpandWindow {
  from: Date;
  to: Date;
}

export interface Attendee {
  email: string;
  name: string | null;
  /** NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE, DELEGATED. */
  partstat: string;
  /** REQ-PARTICIPANT, OPT-PARTICIPANT, NON-PARTICIPANT, CHAIR. */
  role: string;
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
}

export interface ExpandOptions {
  /** At most this many people per event are kept (the rest are counted, not listed). */
  maxAttendees?: number;
  /** Read floating times (no TZID, no Z) in this zone when the file names none. */
  defaultTimeZone?: string;
}

/** Safety net for rules like FREQ=MINUTELY since 1990: instances looked at per rule. */
const MAX_ITERATIONS = 50_000;
const weekMs = 7 * 86_400_000;

/** Last 8 weeks and next 26 weeks around `now`. */
export function defaultWindow(now: Date): ExpandWindow {
  return { from: new Date(now.getTime() - 8 * weekMs), to: new Date(now.getTime() + 26 * weekMs) };
}

/** Thrown for input that is not a calendar at all; anything else is reported in `problems`. */
export class NotACalendarError extends Error {}

/**
 * Parses an iCalendar text and expands every event over `window`: recurrence rules, RDATE,
 * EXDATE, RECURRENCE-ID overrides (moved, shortened, cancelled, orphaned), cancelled events and
 * all-day events. Instants are UTC; all-day occurrences are dates at 00:00Z with an exclusive end.
 */
export function expand(ics: string, window: ExpandWindow, options: ExpandOptions = {}): Expansion {
  const text = ics.replace(/^\uFEFF/, "");
  if (!/BEGIN:VCALENDAR/i.test(text.slice(0, 4096))) {
    throw new NotACalendarError("This is not an iCalendar file: it does not start with BEGIN:VCALENDAR.");
  }
  const problems: string[] = [];
  const { calendars, vevents } = parseLeniently(text, problems);
  const zones = new ZoneResolver(calendars, options.defaultTimeZone, problems);
  const maxAttendees = options.maxAttendees ?? 500;

  const masters = new Map<string, ICAL.Component>();
  const overrides = new Map<string, ICAL.Component[]>();
  for (const ve of vevents) {
    // Detach from the VCALENDAR: ical.js otherwise scans every sibling for a VTIMEZONE on each
    // TZID it reads (quadratic in the file size); zones are resolved by ZoneResolver instead.
    (ve as unknown as { parent: ICAL.Component | null }).parent = null;
    const uid = String(ve.getFirstPropertyValue("uid") ?? "").trim();
    if (!uid) {
      problems.push(`An event without a UID ("${summaryOf(ve)}") was skipped.`);
      continue;
    }
    if (ve.hasProperty("recurrence-id")) {
      const list = overrides.get(uid) ?? [];
      list.push(ve);
      overrides.set(uid, list);
    } else if (masters.has(uid)) {
      problems.push(`Event ${uid} appears twice; the first copy was kept.`);
    } else masters.set(uid, ve);
  }

  const events: CalendarEvent[] = [];
  const occurrences: Occurrence[] = [];
  const fromMs = window.from.getTime();
  const toMs = window.to.getTime();
  const inWindow = (startMs: number): boolean => startMs >= fromMs && startMs < toMs;
  /** Each occurrence's start in epoch ms, parallel to `occurrences`, for sorting by number. */
  const starts: number[] = [];
  const push = (o: Occurrence): void => {
    starts.push(Date.parse(o.start));
    occurrences.push(o);
  };

  for (const [uid, master] of masters) {
    try {
      const base = readEvent(master, uid, zones, maxAttendees, problems);
      if (!base) continue;
      const index = events.length;
      events.push(base.event);
      if (isCancelled(master)) continue;
      const own = overrides.get(uid) ?? [];
      overrides.delete(uid);
      const replaced = new Map<number, ICAL.Component>();
      for (const o of own) {
        const rid = readTime(o.getFirstProperty("recurrence-id") as ICAL.Property, zones);
        if (rid) replaced.set(instantKey(rid, base.allDay), o);
      }
      const seen = new Set<number>();
      // Each instance is keyed by its start in epoch ms (computed once), which is also what
      // EXDATEs and overrides are keyed by.
      const emit = (startMs: number): void => {
        if (seen.has(startMs)) return;
        seen.add(startMs);
        if (base.exdates.has(startMs)) return;
        if (replaced.has(startMs)) return; // the override is emitted below, wherever it moved to
        if (!inWindow(startMs)) return;
        const start = new Date(startMs).toISOString();
        starts.push(startMs);
        occurrences.push({
          event: index,
          uid,
          recurrenceId: base.event.recurring ? start : null,
          start,
          end: new Date(startMs + lengthMs).toISOString(),
          allDay: base.allDay,
          summary: base.event.summary,
          attendees: base.event.attendees,
        });
      };
      const lengthMs = base.allDay ? base.length.days * 86_400_000 : base.length.seconds * 1000;

      if (!base.rrules.length) emit(toMs_(base.start, base.allDay));
      for (const rule of base.rrules) {
        if (rule.until && !rule.until.isDate && rule.until.zone === ICAL.Timezone.localTimezone) {
          rule.until.zone = base.start.zone; // a floating UNTIL means the event's own wall time
        }
        const it = rule.iterator(base.start);
        let n = 0;
        for (let next = it.next(); next; next = it.next()) {
          const startMs = toMs_(next, base.allDay);
          if (startMs >= toMs) break; // no end date: cut at the window
          emit(startMs);
          if (++n >= MAX_ITERATIONS) {
            problems.push(`Event ${uid} ("${base.event.summary}") repeats too often; expansion stopped after ${n}.`);
            break;
          }
        }
      }
      for (const r of base.rdates) emit(toMs_(r, base.allDay));

      for (const o of replaced.values()) {
        const occurrence = readOverride(o, uid, index, base, zones, maxAttendees, problems);
        if (occurrence && inWindow(Date.parse(occurrence.start))) push(occurrence);
      }
    } catch (error) {
      problems.push(`Event ${uid} could not be read (${(error as Error).message}); it was skipped.`);
    }
  }

  // Overrides whose master is not in the file (an invitation to one instance of a series).
  for (const [uid, list] of overrides) {
    for (const o of list) {
      try {
        const base = readEvent(o, uid, zones, maxAttendees, problems);
        if (!base || isCancelled(o)) continue;
        const index = events.length;
        events.push({ ...base.event, recurring: false });
        const occurrence = readOverride(o, uid, index, base, zones, maxAttendees, problems);
        if (occurrence && inWindow(Date.parse(occurrence.start))) push(occurrence);
      } catch (error) {
        problems.push(`Event ${uid} could not be read (${(error as Error).message}); it was skipped.`);
      }
    }
  }

  // Sorted by start, then UID: bucket by start and sort the distinct starts as a typed array
  // (a comparator sort over tens of thousands of occurrences costs more than the rest of emit).
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
  return { events, occurrences: sorted, problems };
}

interface EventBase {
  event: CalendarEvent;
  start: ICAL.Time;
  allDay: boolean;
  /** Exact length in seconds (timed events) or days (all-day events). */
  length: { seconds: number; days: number };
  rrules: ICAL.Recur[];
  rdates: ICAL.Time[];
  exdates: Set<number>;
}

function readEvent(
  ve: ICAL.Component,
  uid: string,
  zones: ZoneResolver,
  maxAttendees: number,
  problems: string[],
): EventBase | null {
  const startProp = ve.getFirstProperty("dtstart");
  const start = startProp ? readTime(startProp, zones) : null;
  if (!start) {
    problems.push(`Event ${uid} ("${summaryOf(ve)}") has no start time and was skipped.`);
    return null;
  }
  const allDay = start.isDate;
  const length = lengthOf(ve, start, zones);
  const rrules = ve.getAllProperties("rrule").map((p) => p.getFirstValue() as ICAL.Recur);
  const rdates: ICAL.Time[] = [];
  for (const p of ve.getAllProperties("rdate")) {
    for (const v of p.getValues()) {
      const t = v instanceof ICAL.Period ? v.start : (v as ICAL.Time);
      rdates.push(zoned(t, p, zones));
    }
  }
  const exdates = new Set<number>();
  for (const p of ve.getAllProperties("exdate")) {
    for (const v of p.getValues()) {
      const t = zoned(v as ICAL.Time, p, zones);
      // A date-valued EXDATE on a timed series removes that day's instance.
      if (t.isDate && !allDay) {
        const day = start.clone();
        day.year = t.year;
        day.month = t.month;
        day.day = t.day;
        exdates.add(instantKey(day, false));
      } else exdates.add(instantKey(t, allDay));
    }
  }
  const { attendees, rooms, total } = readAttendees(ve, maxAttendees);
  if (total > attendees.length) {
    problems.push(
      `Event ${uid} ("${summaryOf(ve)}") lists ${total} attendees; only the first ${attendees.length} were kept.`,
    );
  }
  const recurring = rrules.length > 0 || rdates.length > 0;
  return {
    event: {
      uid,
      summary: summaryOf(ve),
      description: String(ve.getFirstPropertyValue("description") ?? "").slice(0, 2000),
      organizer: emailOf(String(ve.getFirstPropertyValue("organizer") ?? "")) || null,
      attendees,
      rooms,
      attendeeTotal: total,
      rrule: rrules.length ? rrules.map((r) => r.toString()).join("\n") : null,
      recurring,
      hasEnd: rrules.every((r) => r.isFinite()),
      timeZone: allDay ? null : zones.nameOf(start),
      allDay,
      durationMinutes: allDay ? length.days * 1440 : Math.round(length.seconds / 60),
    },
    start,
    allDay,
    length,
    rrules,
    rdates,
    exdates,
  };
}

function readOverride(
  o: ICAL.Component,
  uid: string,
  index: number,
  base: EventBase,
  zones: ZoneResolver,
  maxAttendees: number,
  problems: string[],
): Occurrence | null {
  if (isCancelled(o)) return null;
  const rid = readTime(o.getFirstProperty("recurrence-id") as ICAL.Property, zones);
  const startProp = o.getFirstProperty("dtstart");
  const start = (startProp && readTime(startProp, zones)) ?? rid;
  if (!start) return null;
  const allDay = start.isDate;
  const own = o.hasProperty("dtend") || o.hasProperty("duration") ? lengthOf(o, start, zones) : base.length;
  const attendees = o.hasProperty("attendee") ? readAttendees(o, maxAttendees).attendees : base.event.attendees;
  const startMs = toMs_(start, allDay);
  const endMs = allDay ? startMs + own.days * 86_400_000 : startMs + own.seconds * 1000;
  if (endMs < startMs) problems.push(`An instance of ${uid} ends before it starts; its length was read as zero.`);
  return {
    event: index,
    uid,
    recurrenceId: rid ? new Date(toMs_(rid, rid.isDate)).toISOString() : null,
    start: new Date(startMs).toISOString(),
    end: new Date(Math.max(startMs, endMs)).toISOString(),
    allDay,
    summary: o.hasProperty("summary") ? summaryOf(o) : base.event.summary,
    attendees,
  };
}

function lengthOf(ve: ICAL.Component, start: ICAL.Time, zones: ZoneResolver): { seconds: number; days: number } {
  const endProp = ve.getFirstProperty("dtend");
  const end = endProp ? readTime(endProp, zones) : null;
  if (end) {
    if (start.isDate)
      return { seconds: 0, days: Math.max(0, Math.round((toMs_(end, true) - toMs_(start, true)) / 86_400_000)) };
    return { seconds: Math.max(0, toMs_(end, false) - toMs_(start, false)) / 1000, days: 0 };
  }
  const duration = ve.getFirstPropertyValue("duration") as ICAL.Duration | null;
  if (duration) {
    const seconds = duration.toSeconds();
    return start.isDate ? { seconds: 0, days: Math.max(1, Math.round(seconds / 86_400)) } : { seconds, days: 0 };
  }
  // RFC 5545 3.6.1: a date DTSTART without an end lasts one day; a date-time one, no time.
  return start.isDate ? { seconds: 0, days: 1 } : { seconds: 0, days: 0 };
}

function readAttendees(ve: ICAL.Component, max: number): { attendees: Attendee[]; rooms: string[]; total: number } {
  const attendees: Attendee[] = [];
  const rooms: string[] = [];
  let total = 0;
  for (const p of ve.getAllProperties("attendee")) {
    const cutype = String(p.getParameter("cutype") ?? "INDIVIDUAL").toUpperCase();
    const email = emailOf(String(p.getFirstValue() ?? ""));
    const name = p.getParameter("cn");
    if (cutype === "ROOM" || cutype === "RESOURCE") {
      rooms.push(String(name ?? email));
      continue;
    }
    if (!email) continue;
    total++;
    if (attendees.length >= max) continue;
    attendees.push({
      email,
      name: name ? String(name) : null,
      partstat: String(p.getParameter("partstat") ?? "NEEDS-ACTION").toUpperCase(),
      role: String(p.getParameter("role") ?? "REQ-PARTICIPANT").toUpperCase(),
    });
  }
  return { attendees, rooms, total };
}

function emailOf(value: string): string {
  return value
    .replace(/^mailto:/i, "")
    .trim()
    .toLowerCase();
}

function summaryOf(ve: ICAL.Component): string {
  return String(ve.getFirstPropertyValue("summary") ?? "(no title)").trim() || "(no title)";
}

function isCancelled(ve: ICAL.Component): boolean {
  return String(ve.getFirstPropertyValue("status") ?? "").toUpperCase() === "CANCELLED";
}

function readTime(prop: ICAL.Property, zones: ZoneResolver): ICAL.Time | null {
  const value = prop.getFirstValue();
  if (!(value instanceof ICAL.Time)) return null;
  return zoned(value, prop, zones);
}

/** Gives a parsed time the zone its TZID names (resolved by us, not by ical.js's global registry). */
function zoned(t: ICAL.Time, prop: ICAL.Property, zones: ZoneResolver): ICAL.Time {
  if (t.isDate || t.zone === ICAL.Timezone.utcTimezone) return t;
  const tzid = prop.getParameter("tzid");
  t.zone = zones.resolve(typeof tzid === "string" ? tzid : null) as ICAL.Timezone;
  return t;
}

function toMs_(t: ICAL.Time, asDate: boolean): number {
  if (asDate || t.isDate) return Date.UTC(t.year, t.month - 1, t.day);
  return t.toUnixTime() * 1000;
}

function instantKey(t: ICAL.Time, allDay: boolean): number {
  return toMs_(t, allDay);
}

/**
 * A time zone ical.js can use (it only calls `utcOffset(time)` and reads `tzid`), backed by
 * Temporal's IANA database so DST rules are current and historical.
 */
class IanaZone {
  /** Per local day: the UTC offset in seconds when it holds all day, null on a transition day. */
  readonly #days = new Map<number, number | null>();
  readonly #offsets = new Map<number, number>();
  constructor(readonly tzid: string) {}
  utcOffset(t: ICAL.Time): number {
    const day = (t.year * 13 + t.month) * 32 + t.day;
    let whole = this.#days.get(day);
    if (whole === undefined) {
      const first = this.#offsetAt(t.year, t.month, t.day, 0, 0, 0);
      whole = first === this.#offsetAt(t.year, t.month, t.day, 23, 59, 59) ? first : null;
      this.#days.set(day, whole);
    }
    if (whole !== null) return whole;
    const key = ((day * 24 + t.hour) * 60 + t.minute) * 60 + t.second;
    let offset = this.#offsets.get(key);
    if (offset === undefined) {
      offset = this.#offsetAt(t.year, t.month, t.day, t.hour, t.minute, t.second);
      this.#offsets.set(key, offset);
    }
    return offset;
  }
  #offsetAt(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const local = new Temporal.PlainDateTime(year, month, day, hour, minute, second);
    // "compatible": a wall time in a spring-forward gap moves later, a repeated one takes the first.
    return local.toZonedDateTime(this.tzid, { disambiguation: "compatible" }).offsetNanoseconds / 1e9;
  }
}

const knownIana = new Map<string, string | null>();

/** The canonical IANA name for a zone name, or null when it is not one. */
export function ianaName(name: string): string | null {
  let known = knownIana.get(name);
  if (known === undefined) {
    try {
      known = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      known = null;
    }
    knownIana.set(name, known);
  }
  return known;
}

/**
 * Resolves TZIDs: an IANA name as is; a Windows name through CLDR's table; a prefixed name
 * such as "/mozilla.org/…/Europe/Berlin" by its IANA tail; otherwise the file's own VTIMEZONE;
 * floating times in X-WR-TIMEZONE (or the given default, or UTC).
 */
class ZoneResolver {
  readonly #byId = new Map<string, IanaZone | ICAL.Timezone>();
  readonly #vtimezones = new Map<string, ICAL.Component>();
  readonly #floating: IanaZone | ICAL.Timezone;
  readonly #problems: string[];
  readonly #unknown = new Set<string>();

  constructor(calendars: ICAL.Component[], defaultTimeZone: string | undefined, problems: string[]) {
    this.#problems = problems;
    let wr: string | null = null;
    for (const cal of calendars) {
      for (const vt of cal.getAllSubcomponents("vtimezone")) {
        const id = String(vt.getFirstPropertyValue("tzid") ?? "");
        if (id && !this.#vtimezones.has(id)) this.#vtimezones.set(id, vt);
      }
      wr ??= (cal.getFirstPropertyValue("x-wr-timezone") as string | null) ?? null;
    }
    const floatingName = (wr && this.#ianaFor(wr)) ?? (defaultTimeZone && ianaName(defaultTimeZone)) ?? null;
    this.#floating = floatingName ? new IanaZone(floatingName) : ICAL.Timezone.utcTimezone;
  }

  resolve(tzid: string | null): IanaZone | ICAL.Timezone {
    if (!tzid) return this.#floating;
    let zone = this.#byId.get(tzid);
    if (zone) return zone;
    const iana = this.#ianaFor(tzid);
    if (iana) zone = new IanaZone(iana);
    else {
      const vt = this.#vtimezones.get(tzid);
      if (vt) zone = new ICAL.Timezone({ component: vt, tzid });
      else {
        if (!this.#unknown.has(tzid)) {
          this.#unknown.add(tzid);
          this.#problems.push(
            `Unknown time zone "${tzid}" with no definition in the file; its times were read as UTC.`,
          );
        }
        zone = ICAL.Timezone.utcTimezone;
      }
    }
    this.#byId.set(tzid, zone);
    return zone;
  }

  nameOf(t: ICAL.Time): string | null {
    const zone = t.zone as unknown;
    if (zone instanceof IanaZone) return zone.tzid === "Etc/UTC" || zone.tzid === "UTC" ? null : zone.tzid;
    if (zone === ICAL.Timezone.utcTimezone) return null;
    return (zone as ICAL.Timezone | null)?.tzid ?? null;
  }

  #ianaFor(name: string): string | null {
    const trimmed = name.replace(/^"|"$/g, "").trim();
    const windows = windowsZones[trimmed];
    if (windows) return windows;
    const direct = ianaName(trimmed);
    if (direct && trimmed.includes("/")) return direct;
    if (direct && /^(UTC|GMT|Etc\/)/i.test(trimmed)) return direct;
    // "/mozilla.org/20050126_1/Europe/Berlin", "/softwarestudio.org/Olson_20011030_5/America/New_York"
    const parts = trimmed.split("/").filter(Boolean);
    for (let i = Math.max(0, parts.length - 3); i < parts.length - 1; i++) {
      const tail = ianaName(parts.slice(i).join("/"));
      if (tail) return tail;
    }
    return null;
  }
}

/**
 * Parses the whole file; when that fails (truncated or garbled), parses each VEVENT block on its
 * own so the readable events still import.
 */
function parseLeniently(text: string, problems: string[]): { calendars: ICAL.Component[]; vevents: ICAL.Component[] } {
  try {
    const parsed = ICAL.parse(text);
    const roots = (Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
    const calendars = roots.map((r) => new ICAL.Component(r as never)).filter((c) => c.name === "vcalendar");
    if (!calendars.length) throw new NotACalendarError("The file holds no VCALENDAR.");
    return { calendars, vevents: calendars.flatMap((c) => c.getAllSubcomponents("vevent")) };
  } catch (error) {
    if (error instanceof NotACalendarError) throw error;
    const unfolded = text.replace(/\r?\n[ \t]/g, "");
    const timezones = [...unfolded.matchAll(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/gi)].map((m) => m[0]).join("\r\n");
    const header = /^X-WR-TIMEZONE:.*$/im.exec(unfolded)?.[0] ?? "";
    const shell = (body: string): string =>
      `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${header}\r\n${timezones}\r\n${body}\r\nEND:VCALENDAR`;
    let calendar: ICAL.Component;
    try {
      calendar = new ICAL.Component(ICAL.parse(shell("")) as never);
    } catch {
      calendar = new ICAL.Component(ICAL.parse(shell("").replace(timezones, "")) as never);
      problems.push("The file's time zone definitions could not be read.");
    }
    const blocks = [...unfolded.matchAll(/BEGIN:VEVENT\r?\n([\s\S]*?)(?=BEGIN:VEVENT|END:VCALENDAR|$)/gi)];
    const vevents: ICAL.Component[] = [];
    let bad = 0;
    for (const block of blocks) {
      const body = (block[0] as string).trimEnd();
      if (!/END:VEVENT$/i.test(body)) {
        bad++;
        continue;
      }
      try {
        const one = new ICAL.Component(ICAL.parse(shell(body)) as never);
        const ve = one.getFirstSubcomponent("vevent");
        if (ve) {
          calendar.addSubcomponent(ve);
          vevents.push(ve);
        }
      } catch {
        bad++;
      }
    }
    if (!vevents.length && !blocks.length) {
      throw new NotACalendarError(`The calendar could not be read: ${(error as Error).message}`);
    }
    problems.push(
      `The file is damaged (${(error as Error).message.split("\n")[0]}); ${vevents.length} events were read, ${bad} could not be.`,
    );
    return { calendars: [calendar], vevents };
  }
}
