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

export interface DatedInstance {
  time: ICAL.Time;
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
  start: ICAL.Time;
  allDay: boolean;
  length: EventLength;
  rules: RecurrenceRule[];
  rdates: DatedInstance[];
  exdates: Set<number>;
}

/** Reads one VEVENT; notes what it had to leave out. Null when the event has no usable start. */
export function readEvent(
  ve: ICAL.Component,
  uid: string,
  zones: ZoneResolver,
  maxAttendees: number,
  notes: string[],
): EventBase | null {
  const startProp = ve.getFirstProperty("dtstart");
  const start = startProp ? readTime(startProp, zones, null) : null;
  if (!start) {
    notes.push(`Event ${uid} ("${summaryOf(ve)}") has no start time and was skipped.`);
    return null;
  }
  const allDay = start.isDate;
  const zone = allDay ? null : (start.zone as ICAL.Timezone);
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
      if (t.isDate && !allDay) {
        const day = start.clone();
        day.year = t.year;
        day.month = t.month;
        day.day = t.day;
        exdates.add(toMs(day, false));
      } else exdates.add(toMs(t, allDay));
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
    description: String(ve.getFirstPropertyValue("description") ?? "").slice(0, 2000),
    organizer: emailOf(String(ve.getFirstPropertyValue("organizer") ?? "")) || null,
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
export function lengthOf(ve: ICAL.Component, start: ICAL.Time, zones: ZoneResolver): EventLength {
  const endProp = ve.getFirstProperty("dtend");
  const end = endProp ? readTime(endProp, zones, start.isDate ? null : (start.zone as ICAL.Timezone)) : null;
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
  if (t.isDate) return Date.UTC(t.year, t.month - 1, t.day);
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

export function summaryOf(ve: ICAL.Component): string {
  return String(ve.getFirstPropertyValue("summary") ?? "(no title)").trim() || "(no title)";
}

export function isCancelled(ve: ICAL.Component): boolean {
  return String(ve.getFirstPropertyValue("status") ?? "").toUpperCase() === "CANCELLED";
}

export function sequenceOf(ve: ICAL.Component): number {
  const n = Number(ve.getFirstPropertyValue("sequence") ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * A date or date-time property in its zone. A floating value on an event whose start has a zone
 * is read in that zone (RFC 5545 §3.8.2.2: DTEND must be later than DTSTART; reading it in UTC
 * instead would make it end before it starts).
 */
export function readTime(prop: ICAL.Property, zones: ZoneResolver, eventZone: ICAL.Timezone | null): ICAL.Time | null {
  let value: unknown;
  try {
    value = prop.getFirstValue();
  } catch {
    return null;
  }
  if (!(value instanceof ICAL.Time)) return null;
  return zoned(value, prop, zones, eventZone);
}

/** Gives a parsed time the zone its TZID names (resolved by us, not by ical.js's global registry). */
function zoned(t: ICAL.Time, prop: ICAL.Property, zones: ZoneResolver, eventZone: ICAL.Timezone | null): ICAL.Time {
  if (t.isDate || t.zone === ICAL.Timezone.utcTimezone) return t;
  const tzid = prop.getParameter("tzid");
  if (typeof tzid === "string" && tzid) t.zone = zones.resolve(tzid) as ICAL.Timezone;
  else t.zone = (eventZone ?? zones.floating) as ICAL.Timezone;
  return t;
}

/** Epoch ms: an instant, or for a date (or `asDate`) its day at 00:00Z. */
export function toMs(t: ICAL.Time, asDate: boolean): number {
  if (asDate || t.isDate) return Date.UTC(t.year, t.month - 1, t.day);
  return t.toUnixTime() * 1000;
}

/** The wall time read as if it were UTC, in epoch ms. */
export function wallMs(t: WallTime): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second);
}
