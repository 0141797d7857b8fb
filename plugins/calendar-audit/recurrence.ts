import ICAL from "ical.js";
import { RRuleTemporal } from "rrule-temporal";

/** One RRULE of an event: ical.js's parse when it could read it, and its text. */
export interface RecurrenceRule {
  recur: ICAL.Recur | null;
  text: string;
}

export interface RuleLimits {
  /** Wall-clock epoch ms (the wall time read as if UTC) past which no instance is wanted. */
  untilWallMs: number;
  /** Wall-clock epoch ms before which instances are not wanted (sub-daily rules start there). */
  fromWallMs: number;
  maxIterations: number;
}

export interface RuleInstances {
  /** Wall times in the zone of DTSTART (same zone object), in order. */
  starts: ICAL.Time[];
  /** True when `maxIterations` cut the rule. */
  cut: boolean;
}

const subDaily: Record<string, number> = { SECONDLY: 1, MINUTELY: 60, HOURLY: 3600 };

/**
 * Rules ical.js's iterator gets wrong (RFC 5545 §3.3.10 examples): yearly rules with BYWEEKNO,
 * an ordinal BYDAY ("20MO"), BYYEARDAY or BYHOUR/BYMINUTE/BYSECOND lists; and every RSCALE rule
 * (RFC 7529), which ical.js reads as Gregorian. These go to rrule-temporal, the rest stay with
 * ical.js, which is several times faster.
 */
export function needsCalendarEngine(text: string): boolean {
  const upper = text.toUpperCase();
  if (/(^|;)RSCALE=/.test(upper)) return true;
  if (!/(^|;)FREQ=YEARLY/.test(upper)) return false;
  return /(^|;)(BYWEEKNO|BYYEARDAY|BYHOUR|BYMINUTE|BYSECOND)=/.test(upper) || /(^|;)BYDAY=[^;]*\d/.test(upper);
}

/**
 * The instances of one rule from `start`, cut at `limits`. UNTIL is left to the caller (it is an
 * instant, or a wall time when floating), so both engines expand in wall time only.
 */
export function ruleInstances(rule: RecurrenceRule, start: ICAL.Time, limits: RuleLimits): RuleInstances {
  if (rule.recur && !needsCalendarEngine(rule.text)) return icalInstances(rule.recur, start, limits);
  return calendarEngineInstances(rule.text, start, limits);
}

function wallMs(t: ICAL.Time): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

function icalInstances(source: ICAL.Recur, start: ICAL.Time, limits: RuleLimits): RuleInstances {
  const recur = source.clone();
  recur.until = null; // the caller applies UNTIL
  let from = start;
  const step = subDaily[recur.freq];
  // A sub-daily rule without COUNT starts near the window instead of at a DTSTART years back.
  if (step && !recur.count && limits.fromWallMs > wallMs(start)) {
    const stepSeconds = step * (recur.interval || 1);
    const steps = Math.floor((limits.fromWallMs - wallMs(start)) / 1000 / stepSeconds) - 1;
    if (steps > 0) {
      from = start.clone();
      from.adjust(0, 0, 0, steps * stepSeconds);
    }
  }
  const starts: ICAL.Time[] = [];
  const it = recur.iterator(from);
  let n = 0;
  for (let next = it.next(); next; next = it.next()) {
    if (wallMs(next) > limits.untilWallMs) return { starts, cut: false };
    starts.push(next.clone());
    if (++n >= limits.maxIterations) return { starts, cut: true };
  }
  return { starts, cut: false };
}

function calendarEngineInstances(text: string, start: ICAL.Time, limits: RuleLimits): RuleInstances {
  const scale = /(?:^|;)RSCALE=([^;]*)/i.exec(text)?.[1];
  if (scale) {
    try {
      Temporal.PlainDate.from({ year: 2000, month: 1, day: 1 }).withCalendar(scale.toLowerCase());
    } catch {
      throw new Error(`the calendar ${scale} is not supported`);
    }
  }
  const parts = text
    .split(";")
    .filter((p) => p && !/^UNTIL=/i.test(p.trim()))
    .join(";");
  // The wall time stands in UTC, so the engine sees no DST and the caller's zone does the rest.
  const dtstart = Temporal.ZonedDateTime.from({
    timeZone: "UTC",
    year: start.year,
    month: start.month,
    day: start.day,
    hour: start.isDate ? 0 : start.hour,
    minute: start.isDate ? 0 : start.minute,
    second: start.isDate ? 0 : start.second,
  });
  const rule = new RRuleTemporal({ rruleString: parts, dtstart });
  const starts: ICAL.Time[] = [];
  let cut = false;
  rule.all((dt, i) => {
    if (dt.epochMilliseconds > limits.untilWallMs) return false;
    if (i >= limits.maxIterations) {
      cut = true;
      return false;
    }
    const t = new ICAL.Time(
      {
        year: dt.year,
        month: dt.month,
        day: dt.day,
        hour: dt.hour,
        minute: dt.minute,
        second: dt.second,
        isDate: start.isDate,
      },
      start.zone as ICAL.Timezone,
    );
    starts.push(t);
    return true;
  });
  return { starts, cut };
}
