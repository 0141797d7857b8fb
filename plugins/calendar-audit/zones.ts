import ICAL from "ical.js";
import { utcMs, type WallTime } from "./event-reader.ts";
import { zoneForDisplayName } from "./windows-display-names.ts";
import { windowsZones } from "./windows-zones.ts";

/** What ical.js asks of a zone: the offset in seconds for a wall time, and a name. */
export interface WallZone {
  readonly tzid: string;
  utcOffset(t: WallTime): number;
}

/**
 * A zone backed by Temporal's IANA database (or a fixed offset such as "+01:00"), so DST rules are
 * current and historical. Each year's transitions are looked up once; an offset is then a search.
 */
export class IanaZone implements WallZone {
  readonly #years = new Map<number, { before: number; transitions: Transition[] }>();
  constructor(readonly tzid: string) {}
  utcOffset(t: WallTime): number {
    let year = this.#years.get(t.year);
    if (!year) {
      year = this.#transitionsOf(t.year);
      this.#years.set(t.year, year);
    }
    return offsetAt(year.transitions, year.before, utcMs(t.year, t.month, t.day, t.hour, t.minute, t.second) / 1000);
  }
  #transitionsOf(year: number): { before: number; transitions: Transition[] } {
    let at = Temporal.ZonedDateTime.from({ timeZone: this.tzid, year: year - 1, month: 12, day: 30 });
    const before = at.offsetNanoseconds / 1e9;
    const end = Date.UTC(year + 1, 0, 2);
    const transitions: Transition[] = [];
    let from = before;
    for (let next = at.getTimeZoneTransition("next"); next && next.epochMilliseconds < end; ) {
      const to = next.offsetNanoseconds / 1e9;
      const instant = next.epochMilliseconds / 1000;
      transitions.push({ at: instant, wallFrom: instant + Math.max(from, to), to });
      from = to;
      at = next;
      next = at.getTimeZoneTransition("next");
    }
    return { before, transitions };
  }
}

/**
 * The offset in force at a wall time (epoch seconds, read as UTC): that of the last transition
 * whose wall time in the later of its two offsets is not after it. A time in a spring-forward gap
 * keeps the old offset (so it moves later), a repeated one takes the first ("compatible").
 */
function offsetAt(transitions: Transition[], before: number, wall: number): number {
  let lo = 0;
  let hi = transitions.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((transitions[mid] as Transition).wallFrom <= wall) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? before : (transitions[found] as Transition).to;
}

interface Transition {
  /** The onset as an instant, in epoch seconds. */
  at: number;
  /** The onset's wall time in the later of the two offsets: wall times from here on take `to`. */
  wallFrom: number;
  to: number;
}

/** Onsets of a VTIMEZONE are expanded up to this year (a calendar's window never goes further). */
const LAST_ONSET_YEAR = 2200;

/**
 * A zone defined by a VTIMEZONE in the file. Every observance contributes its DTSTART onset, its
 * RDATE onsets and its RRULE onsets (RFC 5545 §3.6.5): ical.js's own zone ignores a DTSTART+RDATE
 * observance's first onset.
 */
export class VtimezoneZone implements WallZone {
  readonly #transitions: Transition[];
  readonly #before: number;
  constructor(
    readonly tzid: string,
    vtimezone: ICAL.Component,
  ) {
    const transitions: Transition[] = [];
    let earliest: { wall: number; from: number } | null = null;
    for (const obs of [...vtimezone.getAllSubcomponents("standard"), ...vtimezone.getAllSubcomponents("daylight")]) {
      const from = offsetSeconds(obs.getFirstPropertyValue("tzoffsetfrom"));
      const to = offsetSeconds(obs.getFirstPropertyValue("tzoffsetto"));
      const start = obs.getFirstPropertyValue("dtstart");
      if (from === null || to === null || !(start instanceof ICAL.Time)) continue;
      const onsets: ICAL.Time[] = [start];
      for (const p of obs.getAllProperties("rdate")) {
        for (const v of p.getValues()) onsets.push(v instanceof ICAL.Period ? v.start : (v as ICAL.Time));
      }
      for (const p of obs.getAllProperties("rrule")) {
        const it = (p.getFirstValue() as ICAL.Recur).iterator(start);
        for (let next = it.next(), n = 0; next && next.year <= LAST_ONSET_YEAR && n < 2000; next = it.next(), n++) {
          onsets.push(next.clone());
        }
      }
      for (const onset of onsets) {
        const wall = Date.UTC(onset.year, onset.month - 1, onset.day, onset.hour, onset.minute, onset.second) / 1000;
        transitions.push({ at: wall - from, wallFrom: wall + Math.max(0, to - from), to });
        if (!earliest || wall < earliest.wall) earliest = { wall, from };
      }
    }
    transitions.sort((a, b) => a.at - b.at);
    this.#transitions = transitions;
    this.#before = earliest?.from ?? 0;
  }
  utcOffset(t: WallTime): number {
    return offsetAt(this.#transitions, this.#before, utcMs(t.year, t.month, t.day, t.hour, t.minute, t.second) / 1000);
  }
}

function offsetSeconds(value: unknown): number | null {
  if (value instanceof ICAL.UtcOffset) return value.toSeconds();
  if (typeof value === "string") {
    const m = /^([+-])(\d{2}):?(\d{2})(?::?(\d{2}))?$/.exec(value.trim());
    if (!m) return null;
    const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
    return m[1] === "-" ? -s : s;
  }
  return null;
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

const regions = ["Europe", "America", "Asia", "Australia", "Africa", "Pacific", "Atlantic", "Indian"];

/**
 * Resolves TZIDs: an IANA name as is; a Windows id or display name through CLDR's table; a prefixed
 * name such as "/mozilla.org/…/Europe/Berlin" by its IANA tail; otherwise the file's own VTIMEZONE;
 * a list of cities by its first city with an IANA zone. Floating times are read in X-WR-TIMEZONE
 * (or the given default, or UTC).
 */
export class ZoneResolver {
  readonly #byId = new Map<string, WallZone | ICAL.Timezone>();
  readonly #vtimezones = new Map<string, ICAL.Component>();
  readonly floating: WallZone | ICAL.Timezone;
  readonly #notes: string[];
  readonly #noted = new Set<string>();

  constructor(calendars: ICAL.Component[], defaultTimeZone: string | undefined, notes: string[]) {
    this.#notes = notes;
    let wr: string | null = null;
    for (const cal of calendars) {
      for (const vt of cal.getAllSubcomponents("vtimezone")) {
        const id = String(vt.getFirstPropertyValue("tzid") ?? "");
        if (id && !this.#vtimezones.has(id)) this.#vtimezones.set(id, vt);
      }
      wr ??= (cal.getFirstPropertyValue("x-wr-timezone") as string | null) ?? null;
    }
    const floatingName = (wr && this.#ianaFor(wr)) ?? (defaultTimeZone && ianaName(defaultTimeZone)) ?? null;
    this.floating = floatingName ? new IanaZone(floatingName) : ICAL.Timezone.utcTimezone;
  }

  resolve(tzid: string | null): WallZone | ICAL.Timezone {
    if (!tzid) return this.floating;
    let zone = this.#byId.get(tzid);
    if (zone) return zone;
    zone = this.#zoneFor(tzid);
    this.#byId.set(tzid, zone);
    return zone;
  }

  #zoneFor(tzid: string): WallZone | ICAL.Timezone {
    const iana = this.#ianaFor(tzid);
    if (iana) return new IanaZone(iana);
    const vt = this.#vtimezones.get(tzid);
    if (vt) return new VtimezoneZone(tzid, vt);
    const name = tzid.replace(/^"|"$/g, "").trim();
    const display = zoneForDisplayName(name);
    if (display?.fixedOffset) {
      this.#note(`Time zone "${tzid}" names only an offset; its times were read at a fixed ${display.zone}.`);
      return new IanaZone(display.zone);
    }
    if (display) return new IanaZone(display.zone);
    const city = this.#cityZone(name);
    if (city) {
      this.#note(`Time zone "${tzid}" is not a known name; its times were read in ${city}, its first city.`);
      return new IanaZone(city);
    }
    this.#note(`Unknown time zone "${tzid}" with no definition in the file; its times were read as UTC.`);
    return ICAL.Timezone.utcTimezone;
  }

  nameOf(t: { zone: unknown }): string | null {
    const zone = t.zone;
    if (zone === ICAL.Timezone.utcTimezone) return null;
    if (zone instanceof IanaZone) return zone.tzid === "Etc/UTC" || zone.tzid === "UTC" ? null : zone.tzid;
    return (zone as WallZone | null)?.tzid ?? null;
  }

  #note(text: string): void {
    if (this.#noted.has(text)) return;
    this.#noted.add(text);
    this.#notes.push(text);
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

  /** "Amsterdam, Belgrade, Berlin, …" → Europe/Amsterdam. */
  #cityZone(name: string): string | null {
    if (!name.includes(",")) return null;
    for (const city of name.split(",")) {
      const tail = city.trim().replace(/\s+/g, "_");
      if (!/^[A-Za-z_]+$/.test(tail)) continue;
      for (const region of regions) {
        const zone = ianaName(`${region}/${tail}`);
        if (zone) return zone;
      }
    }
    return null;
  }
}
