import ICAL from "ical.js";
import {
  type EventBase,
  endOf,
  instantMs,
  isCancelled,
  lengthOf,
  type OffsetZone,
  readAttendees,
  readTime,
  readTimeOf,
  summaryOf,
  toMs,
  type WallTime,
  wallMs,
  type ZonedTime,
} from "./event-reader.ts";
import type { ExpandBudget, Occurrence } from "./expand.ts";
import { ruleInstances } from "./recurrence.ts";
import type { ZoneResolver } from "./zones.ts";

/** Wall time and UTC differ by at most 14 hours, plus a day for all-day events. */
const wallMarginMs = 38 * 3_600_000;

export function occurrenceOf(
  base: EventBase,
  index: number,
  startMs: number,
  endMs: number,
  rid: number | null,
): Occurrence {
  // Formatting an instant costs more than the rest of an occurrence: each one is made once.
  const start = new Date(startMs).toISOString();
  return {
    event: index,
    uid: base.uid,
    recurrenceId: rid === null ? null : rid === startMs ? start : new Date(rid).toISOString(),
    start,
    end: endMs > startMs ? new Date(endMs).toISOString() : start,
    allDay: base.allDay,
    summary: base.summary,
    attendees: base.attendees,
  };
}

export interface SeriesInput {
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

/**
 * Expands one series over the window: its rules, RDATEs and EXDATEs, its changed instances
 * (THISANDFUTURE ones reshaping every later instance), within the budget, with notes.
 */
export function expandSeries(input: SeriesInput): void {
  const { base, index, zones, problems, budget, inWindow, push } = input;
  const zone = base.allDay ? null : base.start.zone;
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
      const start = readTimeOf(o, "dtstart", zones, zone);
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
    const start = readTimeOf(o, "dtstart", zones, zone);
    const atMs = start ? toMs(start, start.isDate) : ridMs;
    if (!inWindow(atMs) || isCancelled(o)) continue;
    const occurrence = readOverride(o, base, index, atMs, ridMs, zones, input.maxAttendees, problems, start);
    if (occurrence) push(occurrence, atMs);
  }
}

/** The day of a wall time, as a date (ICAL.Time keeps its fields in getters: no spreading). */
export function dayOf(t: WallTime): WallTime {
  return { year: t.year, month: t.month, day: t.day, hour: 0, minute: 0, second: 0, isDate: true };
}

/** The zone of a parsed time (null for a date). */
export function zoneOf(t: ZonedTime): OffsetZone | null {
  return t.isDate ? null : t.zone;
}

/** The zone a series' wall times are in (null for all-day series). */
function offsetZone(base: EventBase): OffsetZone | null {
  return base.allDay ? null : base.start.zone;
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
  /** The override's DTSTART, when the caller has read it already. */
  own: ZonedTime | null = readTimeOf(o, "dtstart", zones, base.allDay ? null : base.start.zone),
): Occurrence | null {
  if (isCancelled(o)) return null;
  const allDay = own ? own.isDate : base.allDay;
  const length =
    o.hasProperty("dtend") || o.hasProperty("duration") ? lengthOf(o, own ?? base.start, zones) : base.length;
  const wall = own ?? base.start;
  const endMs = endOf(wall, toMs(wall, allDay), length, allDay, wall.zone) - toMs(wall, allDay) + startMs;
  if (endMs < startMs) problems.push(`An instance of ${base.uid} ends before it starts; its length was read as zero.`);
  const start = new Date(startMs).toISOString();
  return {
    event: index,
    uid: base.uid,
    recurrenceId: ridMs === startMs ? start : new Date(ridMs).toISOString(),
    start,
    end: endMs > startMs ? new Date(endMs).toISOString() : start,
    allDay,
    summary: o.hasProperty("summary") ? summaryOf(o) : base.summary,
    attendees: o.hasProperty("attendee") ? readAttendees(o, maxAttendees).attendees : base.attendees,
  };
}
