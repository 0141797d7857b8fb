/**
 * The business-time engine: pure functions over a team's business calendar.
 *
 * Business time is the set of instants whose local wall-clock time (in the calendar's zone)
 * falls inside an open interval of a working, non-holiday day. That definition is what makes
 * DST safe: a local time in a spring-forward gap has no instant and counts nothing; a local time
 * that repeats in an autumn fall-back counts twice; a 23- or 25-hour day simply has fewer or
 * more instants. Intervals are half-open `[start, end)`.
 *
 * Temporal is used only to find the zone's offset transitions. A compiled calendar caches, per
 * block of 64 UTC days, the open intervals as epoch-millisecond pairs with running sums, so the
 * inner loops are plain number arithmetic and binary search (no allocation per query).
 */

/** ISO weekday (1 = Monday … 7 = Sunday) → local "HH:MM" half-open intervals. */
export type WeeklyHours = Partial<Record<number, [string, string][]>>;

export interface CalendarSpec {
  timeZone: string;
  open: WeeklyHours;
  /** Local dates ("YYYY-MM-DD") closed all day. */
  holidays: string[];
}

const DAY = 86_400_000;
const MINUTE = 60_000;
const BLOCK_DAYS = 64;
const BLOCK = BLOCK_DAYS * DAY;
/** A calendar with no open time would never reach a due instant; give up after this many blocks (~10 years). */
const MAX_EMPTY_BLOCKS = 58;

interface Block {
  starts: Float64Array;
  ends: Float64Array;
  /** Business ms in the block before interval i. */
  before: Float64Array;
  total: number;
}

export interface CompiledCalendar {
  readonly spec: CalendarSpec;
  /** Open minutes per ISO weekday (index 1..7), flattened [start, end, start, end, …]. */
  readonly weekly: number[][];
  readonly holidays: Set<number>;
  readonly blocks: Map<number, Block>;
}

/** "HH:MM" → minutes after local midnight; "24:00" is allowed (an interval ending at midnight). */
export function parseClock(value: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes > 1440 ? null : minutes;
}

/** Days since 1970-01-01 for a "YYYY-MM-DD" local date. */
export function epochDay(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Math.floor(Date.UTC(y, m - 1, d) / DAY);
}

/** ISO weekday of an epoch day (1970-01-01 was a Thursday). */
function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  try {
    Temporal.Now.instant().toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** Compiles a calendar spec for fast queries. Throws on an unknown zone (validate first). */
export function compileCalendar(spec: CalendarSpec): CompiledCalendar {
  if (!isTimeZone(spec.timeZone)) throw new RangeError(`Unknown time zone "${spec.timeZone}"`);
  const weekly: number[][] = [[]];
  for (let wd = 1; wd <= 7; wd++) {
    const flat: number[] = [];
    const sorted = [...(spec.open[wd] ?? [])].sort((a, b) => (parseClock(a[0]) ?? 0) - (parseClock(b[0]) ?? 0));
    for (const [from, to] of sorted) {
      const s = parseClock(from);
      const e = parseClock(to);
      if (s === null || e === null || e <= s) throw new RangeError(`Bad open interval ${from}–${to}`);
      flat.push(s * MINUTE, e * MINUTE);
    }
    weekly.push(flat);
  }
  return { spec, weekly, holidays: new Set(spec.holidays.map(epochDay)), blocks: new Map() };
}

/** Open all the time in UTC: "calendar hours". */
export const alwaysOpen: CompiledCalendar = compileCalendar({
  timeZone: "UTC",
  open: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [["00:00", "24:00"]]])),
  holidays: [],
});

/** Offset segments [from, to, offsetMs] covering the instant range [from, to). */
function offsetSegments(zone: string, from: number, to: number): number[] {
  const segments: number[] = [];
  let at = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
  let start = from;
  for (;;) {
    const next = at.getTimeZoneTransition("next");
    const end = next ? Math.min(next.epochMilliseconds, to) : to;
    segments.push(start, end, at.offsetNanoseconds / 1e6);
    if (!next || next.epochMilliseconds >= to) return segments;
    at = next;
    start = end;
  }
}

function buildBlock(cal: CompiledCalendar, k: number): Block {
  const from = k * BLOCK;
  const to = from + BLOCK;
  const starts: number[] = [];
  const ends: number[] = [];
  const segments = offsetSegments(cal.spec.timeZone, from, to);
  for (let i = 0; i < segments.length; i += 3) {
    const a = segments[i] as number;
    const b = segments[i + 1] as number;
    const offset = segments[i + 2] as number;
    const wallFrom = a + offset;
    const wallTo = b + offset;
    const lastDay = Math.floor((wallTo - 1) / DAY);
    for (let day = Math.floor(wallFrom / DAY); day <= lastDay; day++) {
      if (cal.holidays.has(day)) continue;
      const open = cal.weekly[weekdayOf(day)] as number[];
      const midnight = day * DAY;
      for (let j = 0; j < open.length; j += 2) {
        const s = Math.max(midnight + (open[j] as number), wallFrom);
        const e = Math.min(midnight + (open[j + 1] as number), wallTo);
        if (e <= s) continue;
        const instantStart = s - offset;
        // Merge with the previous interval when they touch (e.g. 24:00 then 00:00).
        if (ends.length && ends[ends.length - 1] === instantStart) ends[ends.length - 1] = e - offset;
        else {
          starts.push(instantStart);
          ends.push(e - offset);
        }
      }
    }
  }
  const before = new Float64Array(starts.length);
  let total = 0;
  for (let i = 0; i < starts.length; i++) {
    before[i] = total;
    total += (ends[i] as number) - (starts[i] as number);
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), before, total };
}

function blockAt(cal: CompiledCalendar, k: number): Block {
  let block = cal.blocks.get(k);
  if (!block) {
    block = buildBlock(cal, k);
    cal.blocks.set(k, block);
  }
  return block;
}

/** Business ms in [block start, t) for t inside the block. */
function cumulative(block: Block, t: number): number {
  const { starts, ends, before } = block;
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((starts[mid] as number) < t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return 0;
  return (before[found] as number) + Math.min(t, ends[found] as number) - (starts[found] as number);
}

/**
 * Business milliseconds between two instants (epoch ms); negative when `to` is before `from`.
 *
 * @example
 * businessMsBetween(cal, Date.parse("2026-03-02T08:00:00Z"), Date.parse("2026-03-02T18:00:00Z"))
 */
export function businessMsBetween(cal: CompiledCalendar, from: number, to: number): number {
  if (to < from) return 0 - businessMsBetween(cal, to, from);
  const ka = Math.floor(from / BLOCK);
  const kb = Math.floor(to / BLOCK);
  const first = blockAt(cal, ka);
  if (ka === kb) return cumulative(first, to) - cumulative(first, from);
  let sum = first.total - cumulative(first, from);
  for (let k = ka + 1; k < kb; k++) sum += blockAt(cal, k).total;
  return sum + cumulative(blockAt(cal, kb), to);
}

/** Business seconds between two instants. */
export function businessTimeBetween(cal: CompiledCalendar, from: Date, to: Date): number {
  return businessMsBetween(cal, from.getTime(), to.getTime()) / 1000;
}

/**
 * The earliest instant (epoch ms) at which `budgetMs` of business time has elapsed since
 * `from`; null when the calendar has no open time for years.
 */
export function dueMs(cal: CompiledCalendar, from: number, budgetMs: number): number | null {
  if (budgetMs <= 0) return from;
  let k = Math.floor(from / BLOCK);
  let block = blockAt(cal, k);
  let need = cumulative(block, from) + budgetMs;
  let empty = 0;
  while (need > block.total) {
    need -= block.total;
    empty = block.total === 0 ? empty + 1 : 0;
    if (empty > MAX_EMPTY_BLOCKS) return null;
    block = blockAt(cal, ++k);
  }
  // The interval where the running sum reaches `need`.
  const { starts, before } = block;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((before[mid] as number) < need) lo = mid;
    else hi = mid - 1;
  }
  return (starts[lo] as number) + need - (before[lo] as number);
}

/** The due instant for a budget of business seconds from `start`. */
export function dueInstant(cal: CompiledCalendar, start: Date, budgetSeconds: number): Date | null {
  const due = dueMs(cal, start.getTime(), budgetSeconds * 1000);
  return due === null ? null : new Date(due);
}

/** Business seconds of open time in one ISO week of the spec (ignoring DST and holidays): 0 means never open. */
export function weeklyOpenSeconds(cal: CompiledCalendar): number {
  let ms = 0;
  for (const day of cal.weekly)
    for (let j = 0; j < day.length; j += 2) ms += (day[j + 1] as number) - (day[j] as number);
  return ms / 1000;
}
