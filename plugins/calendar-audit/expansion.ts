// What an expansion takes and gives, without the parser: the request thread imports this, and
// ical.js (with rrule-temporal) loads only in the thread that expands (expand-thread.ts) or in
// the command that expands a file.
import type { Attendee } from "./event-reader.ts";

export type { Attendee } from "./event-reader.ts";

/** Thrown for input that is not a calendar at all; anything else is reported in the notes. */
export class NotACalendarError extends Error {}

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

/** Last 8 weeks and next 26 weeks around `now`. */
export function defaultWindow(now: Date): ExpandWindow {
  return { from: new Date(now.getTime() - 8 * weekMs), to: new Date(now.getTime() + 26 * weekMs) };
}
