import ICAL from "ical.js";
import { RSCALE_RULE } from "./ics-repair.ts";
import type { RecurrenceRule } from "./recurrence.ts";
import type { ZoneResolver } from "./zones.ts";

export interface Attendee {
  email: string;
  name: string | null;
  /** NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE, DELEGATED. */
  partstat: string;
  /** REQ-PARTICIPANT, OPT-PARTICIPANT, NON-PARTICIPANT, CHAIR. */
  role: string;
}

/** How long an instance lasts: whole days (all-day), or nominal days (DST-aware) plus exact seconds. */
export interface EventLength {
  days: number;
  seconds: number;
  /** Timed events with a day- or week-based DURATION: added as calendar days in the event's zone. */
  nominalDays: number;
}

/** A wall-clock date or date-time; ICAL.Time is one, and so is a plain object (cheaper to make). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  isDate: boolean;
}

/** What a zone is asked: the UTC offset in seconds at a wall time. */
export interface OffsetZone {
  utcOffset(t: WallTime): number;
}

/**
 * A date or date-time as the file gives it, with the zone its wall time is read in (UTC for a
 * date, where it is not used). Plain data: ical.js's Time normalizes on every read.
 */
export interface ZonedTime extends WallTime {
  zone: OffsetZone;
}

export interface DatedInstance {
  time: ZonedTime;
  /** An RDATE PERIOD's own length in ms; null to take the event's. */
  lengthMs: number | null;
}

/** A VEVENT read: its start, length, rules, extra and excluded dates, people. */
export interface EventBase {
  uid: string;
  summary: string;
  description: string;
  organizer: string | null;
  attendees: Attendee[];
  rooms: string[];
  attendeeTotal: number;
  start: ZonedTime;
  allDay: boolean;
  length: EventLength;
  rules: RecurrenceRule[];
  rdates: DatedInstance[];
  exdates: Set<number>;
}

/** DTSTART in its zone; null when missing or unreadable. */
export function startOf(ve: ICAL.Component, zones: ZoneResolver): ZonedTime | null {
  return readTimeOf(ve, "dtstart", zones, null);
}

/**
 * Reads one VEVENT (whose DTSTART the caller may have read already); notes what it had to leave
 * out. Null when the event has no usable start.
 */
export function readEvent(
  ve: ICAL.Component,
  uid: string,
  zones: ZoneResolver,
  maxAttendees: number,
  notes: string[],
  start: ZonedTime | null = startOf(ve, zones),
): EventBase | null {
  if (!start) {
    notes.push(`Event ${uid} ("${summaryOf(ve)}") has no start time and was skipped.`);
    return null;
  }
  const allDay = start.isDate;
  const zone = allDay ? null : start.zone;
  const length = lengthOf(ve, start, zones);
  const rules: RecurrenceRule[] = [];
  for (const p of ve.getAllProperties("rrule")) {
    const recur = safely(() => p.getFirstValue() as ICAL.Recur, uid, "RRULE", notes);
    if (recur) rules.push({ recur, text: recur.toString() });
  }
  for (const p of ve.getAllProperties(RSCALE_RULE.toLowerCase()))
    rules.push({ recur: null, text: String(p.getFirstValue()) });
  const rdates: DatedInstance[] = [];
  for (const p of ve.getAllProperties("rdate")) {
    const values = safely(() => p.getValues(), uid, "RDATE", notes) ?? [];
    for (const v of values) {
      if (v instanceof ICAL.Period) {
        const t = zoned(v.start, p, zones, zone);
        const end = v.end ? zoned(v.end, p, zones, zone) : null;
        const lengthMs = end ? toMs(end, false) - toMs(t, false) : v.duration ? v.duration.toSeconds() * 1000 : null;
        rdates.push({ time: t, lengthMs });
      } else if (v instanceof ICAL.Time) rdates.push({ time: zoned(v, p, zones, zone), lengthMs: null });
    }
  }
  const exdates = new Set<number>();
  for (const p of ve.getAllProperties("exdate")) {
    const values = safely(() => p.getValues(), uid, "EXDATE", notes) ?? [];
    for (const v of values) {
      if (!(v instanceof ICAL.Time)) continue;
      const t = zoned(v, p, zones, zone);
      // A date-valued EXDATE on a timed series removes that day's instance.
      if (t.isDate && !allDay) exdates.add(toMs({ ...start, year: t.year, month: t.month, day: t.day }, false));
      else exdates.add(toMs(t, allDay));
    }
  }
  const { attendees, rooms, total } = readAttendees(ve, maxAttendees);
  if (total > attendees.length) {
    notes.push(
      `Event ${uid} ("${summaryOf(ve)}") lists ${total} attendees; only the first ${attendees.length} were kept.`,
    );
  }
  return {
    uid,
    summary: summaryOf(ve),
    description: String(firstValue(ve, "description") ?? "").slice(0, 2000),
    organizer: emailOf(String(firstValue(ve, "organizer") ?? "")) || null,
    attendees,
    rooms,
    attendeeTotal: total,
    start,
    allDay,
    length,
    rules,
    rdates,
    exdates,
  };
}

/** Runs a value read; a malformed value is left out with a note instead of failing its event. */
function safely<T>(read: () => T, uid: string, what: string, notes: string[]): T | null {
  try {
    return read();
  } catch (error) {
    notes.push(`Event ${uid}: a malformed ${what} was left out (${(error as Error).message}).`);
    return null;
  }
}

/** DTEND gives an exact length; DURATION a nominal one (RFC 5545 §3.3.6: P1D is a calendar day). */
export function lengthOf(ve: ICAL.Component, start: ZonedTime, zones: ZoneResolver): EventLength {
  const end = readTimeOf(ve, "dtend", zones, start.isDate ? null : start.zone);
  if (end) {
    if (start.isDate) {
      const days = Math.max(0, Math.round((toMs(end, true) - toMs(start, true)) / 86_400_000));
      return { days, seconds: 0, nominalDays: 0 };
    }
    return { days: 0, seconds: Math.max(0, toMs(end, false) - toMs(start, false)) / 1000, nominalDays: 0 };
  }
  const duration = ve.getFirstPropertyValue("duration") as ICAL.Duration | null;
  if (duration instanceof ICAL.Duration && !duration.isNegative) {
    const days = duration.weeks * 7 + duration.days;
    const seconds = duration.hours * 3600 + duration.minutes * 60 + duration.seconds;
    if (start.isDate) return { days: Math.max(1, days + Math.round(seconds / 86_400)), seconds: 0, nominalDays: 0 };
    return { days: 0, seconds, nominalDays: days };
  }
  // RFC 5545 3.6.1: a date DTSTART without an end lasts one day; a date-time one, no time.
  return start.isDate ? { days: 1, seconds: 0, nominalDays: 0 } : { days: 0, seconds: 0, nominalDays: 0 };
}

/** The end of an instance starting at `start` (a wall time in `zone`) and `startMs`. */
export function endOf(
  start: WallTime,
  startMs: number,
  length: EventLength,
  allDay: boolean,
  zone: OffsetZone | null,
): number {
  if (allDay) return startMs + length.days * 86_400_000;
  if (!length.nominalDays) return startMs + length.seconds * 1000;
  const d = new Date(Date.UTC(start.year, start.month - 1, start.day + length.nominalDays));
  const end: WallTime = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: start.hour,
    minute: start.minute,
    second: start.second,
    isDate: false,
  };
  return instantMs(end, zone) + length.seconds * 1000;
}

/** Epoch ms of a wall time: a date at 00:00Z; a date-time through its zone's offset. */
export function instantMs(t: WallTime, zone: OffsetZone | null): number {
  if (t.isDate) return utcMs(t.year, t.month, t.day, 0, 0, 0);
  return wallMs(t) - (zone ? zone.utcOffset(t) * 1000 : 0);
}

export function lengthMsOf(length: EventLength, allDay: boolean): number {
  return allDay ? length.days * 86_400_000 : (length.nominalDays * 86_400 + length.seconds) * 1000;
}

export function readAttendees(
  ve: ICAL.Component,
  max: number,
): { attendees: Attendee[]; rooms: string[]; total: number } {
  const attendees: Attendee[] = [];
  const rooms: string[] = [];
  let total = 0;
  for (const [, params, value] of plainProperties(ve, "attendee")) {
    const cutype = String(params.cutype ?? "INDIVIDUAL").toUpperCase();
    const email = emailOf(String(value ?? ""));
    const name = params.cn;
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
      partstat: String(params.partstat ?? "NEEDS-ACTION").toUpperCase(),
      role: String(params.role ?? "REQ-PARTICIPANT").toUpperCase(),
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

export function summaryOf(ve: ICAL.Component): string {
  return String(firstValue(ve, "summary") ?? "(no title)").trim() || "(no title)";
}

export function isCancelled(ve: ICAL.Component): boolean {
  return String(firstValue(ve, "status") ?? "").toUpperCase() === "CANCELLED";
}

export function sequenceOf(ve: ICAL.Component): number {
  const n = Number(firstValue(ve, "sequence") ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Value types ical.js hands back as the parser left them (it makes no object for them). */
const plainTypes = new Set(["text", "integer", "cal-address", "uri", "unknown"]);

/** A property as the parser leaves it (RFC 7265 jCal): name, parameters, value type, values. */
export type JcalProperty = [name: string, params: Record<string, unknown>, type: string, ...values: unknown[]];

function jcalProperties(ve: ICAL.Component): JcalProperty[] {
  return (ve.jCal as unknown[])[1] as JcalProperty[];
}

export function jcalProperty(ve: ICAL.Component, name: string): JcalProperty | undefined {
  for (const p of jcalProperties(ve)) if (p[0] === name) return p;
  return undefined;
}

/**
 * A property's first value as `getFirstPropertyValue` gives it, read from the parse when its type
 * is a plain one: making ical.js's Property object for each costs more than the rest of a read.
 */
export function firstValue(ve: ICAL.Component, name: string): unknown {
  for (const p of jcalProperties(ve)) {
    if (p[0] !== name) continue;
    if (!plainTypes.has(p[2])) return ve.getFirstPropertyValue(name);
    return p.length > 3 ? p[3] : null;
  }
  return null;
}

/** Every property of a name as [name, parameters, first value] (values of other types as ical.js reads them). */
function plainProperties(ve: ICAL.Component, name: string): [string, Record<string, unknown>, unknown][] {
  const found: [string, Record<string, unknown>, unknown][] = [];
  let index = 0;
  for (const p of jcalProperties(ve)) {
    if (p[0] === name) {
      const value = plainTypes.has(p[2])
        ? p.length > 3
          ? p[3]
          : null
        : ve.getAllProperties(name)[index]?.getFirstValue();
      found.push([name, p[1], value]);
      index++;
    }
  }
  return found;
}

/**
 * A date or date-time property in its zone. A floating value on an event whose start has a zone
 * is read in that zone (RFC 5545 §3.8.2.2: DTEND must be later than DTSTART; reading it in UTC
 * instead would make it end before it starts).
 */
export function readTime(prop: ICAL.Property, zones: ZoneResolver, eventZone: OffsetZone | null): ZonedTime | null {
  const read = plainTime(prop.jCal as JcalProperty);
  if (read) return inZone(read, read.utc ? null : tzidIn(read.params), zones, eventZone);
  let value: unknown;
  try {
    value = prop.getFirstValue();
  } catch {
    return null;
  }
  if (!(value instanceof ICAL.Time)) return null;
  return zoned(value, prop, zones, eventZone);
}

/** The first property of a name read as `readTime` does; null when there is none. */
export function readTimeOf(
  ve: ICAL.Component,
  name: string,
  zones: ZoneResolver,
  eventZone: OffsetZone | null,
): ZonedTime | null {
  const p = jcalProperty(ve, name);
  if (!p) return null;
  const read = plainTime(p);
  if (read) return inZone(read, read.utc ? null : tzidIn(p[1]), zones, eventZone);
  return readTime(ve.getFirstProperty(name) as ICAL.Property, zones, eventZone);
}

/**
 * The common case read straight from the parse, without ical.js's Property and Time (which cost
 * more to make than the rest of an event): one valid jCal date ("2026-01-05") or date-time
 * ("2026-01-05T09:00:00", "…Z"). Null for anything else, which ical.js reads.
 */
function plainTime(p: JcalProperty): (WallTime & { utc: boolean; params: Record<string, unknown> }) | null {
  const raw = p[3];
  const type = p[2];
  if (p.length !== 4 || typeof raw !== "string") return null;
  const isDate = type === "date";
  const length = raw.length;
  if (isDate ? length !== 10 : type !== "date-time" || length < 19 || length > 20) return null;
  if (raw.charCodeAt(4) !== DASH || raw.charCodeAt(7) !== DASH) return null;
  const year = digits(raw, 0, 4);
  const month = digits(raw, 5, 2);
  const day = digits(raw, 8, 2);
  // Out-of-range fields are left to ical.js, which rolls them over.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  const params = p[1];
  if (isDate) return { year, month, day, hour: 0, minute: 0, second: 0, isDate, utc: false, params };
  const utc = length === 20;
  if (raw.charCodeAt(10) !== T || raw.charCodeAt(13) !== COLON || raw.charCodeAt(16) !== COLON) return null;
  if (utc && raw.charCodeAt(19) !== Z) return null;
  const hour = digits(raw, 11, 2);
  const minute = digits(raw, 14, 2);
  const second = digits(raw, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return { year, month, day, hour, minute, second, isDate, utc, params };
}

const DASH = 45;
const COLON = 58;
const T = 84;
const Z = 90;

/** The decimal number of `length` digits at `at`, or -1 when one is not a digit. */
function digits(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return (monthDays[month - 1] as number) + (leap ? 1 : 0);
}

function tzidIn(params: Record<string, unknown>): string | null {
  const tzid = params.tzid;
  return typeof tzid === "string" && tzid ? tzid : null;
}

/** Gives a parsed time the zone its TZID names (resolved by us, not by ical.js's global registry). */
function zoned(t: ICAL.Time, prop: ICAL.Property, zones: ZoneResolver, eventZone: OffsetZone | null): ZonedTime {
  const { year, month, day, hour, minute, second, isDate } = t;
  const utc = t.zone === ICAL.Timezone.utcTimezone;
  return inZone(
    { year, month, day, hour, minute, second, isDate, utc },
    utc ? null : tzidIn(prop.jCal[1]),
    zones,
    eventZone,
  );
}

function inZone(
  t: WallTime & { utc: boolean },
  tzid: string | null,
  zones: ZoneResolver,
  eventZone: OffsetZone | null,
): ZonedTime {
  const { year, month, day, hour, minute, second, isDate } = t;
  const zone: OffsetZone =
    isDate || t.utc ? utcZone : tzid ? zones.resolve(tzid) : (eventZone ?? (zones.floating as OffsetZone));
  return { year, month, day, hour, minute, second, isDate, zone };
}

/** UTC, as ical.js names it (so that a zone name is reported for every zone but this one). */
export const utcZone = ICAL.Timezone.utcTimezone as unknown as OffsetZone;

/** Epoch ms: an instant, or for a date (or `asDate`) its day at 00:00Z. */
export function toMs(t: ZonedTime, asDate: boolean): number {
  if (asDate || t.isDate) return utcMs(t.year, t.month, t.day, 0, 0, 0);
  return wallMs(t) - t.zone.utcOffset(t) * 1000;
}

/** The wall time read as if it were UTC, in epoch ms. */
export function wallMs(t: WallTime): number {
  return t.isDate ? utcMs(t.year, t.month, t.day, 0, 0, 0) : utcMs(t.year, t.month, t.day, t.hour, t.minute, t.second);
}

/**
 * Date.UTC for a month 1–12 and a day that may run past the month, in integer arithmetic: an
 * expansion makes tens of thousands of these, and Date.UTC costs several times more.
 * (Days from the civil date: http://howardhinnant.github.io/date_algorithms.html#days_from_civil)
 */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  if (year < 100) return Date.UTC(year, month - 1, day, hour, minute, second); // Date.UTC reads 0–99 as 1900–1999
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146_097 + dayOfEra - 719_468;
  return days * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
}
