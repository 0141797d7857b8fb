/**
 * Repairs the common ways real calendars break RFC 5545 before ical.js reads them, so that one
 * malformed value costs only itself (never its whole series), and says what it changed.
 */

/** The property an RSCALE rule (RFC 7529) is moved to: ical.js would read it as Gregorian. */
export const RSCALE_RULE = "X-DESKTRUST-RSCALE-RRULE";

/**
 * A content line of the repaired properties, from its line break, with folded continuation lines;
 * a date-time property that is already well-formed (unquoted parameters, date-times only, one line:
 * most of them) is not even matched.
 */
const candidates =
  /\n(?:(?:DTSTART|DTEND|DUE|EXDATE|RDATE|RECURRENCE-ID)(?!(?:;[A-Za-z-]+=[^:;",\r\n]*)*:\d{8}T\d{6}Z?(?:,\d{8}T\d{6}Z?)*\r?\n[^ \t])|RRULE|EXRULE)[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gi;
const dateNames = new Set(["DTSTART", "DTEND", "DUE", "EXDATE", "RDATE", "RECURRENCE-ID"]);

/** Where the value starts: the first colon outside a quoted parameter (`TZID="(UTC-05:00) …"`). */
function valueColon(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 58 && !quoted) return i;
  }
  return -1;
}

const frequencies = new Set(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);

export interface RepairedCalendar {
  text: string;
  notes: string[];
}

/** Removes NUL bytes (Postgres cannot store them in text, and no calendar needs one). */
export function withoutNul(text: string): RepairedCalendar {
  if (!text.includes("\0")) return { text, notes: [] };
  const count = text.split("\0").length - 1;
  return {
    text: text.replaceAll("\0", ""),
    notes: [
      `The file held ${count} NUL byte${count === 1 ? "" : "s"}; ${count === 1 ? "it was" : "they were"} removed.`,
    ],
  };
}

/**
 * Repairs, line by line (only the lines of the properties below, unfolded): a date without VALUE=DATE (`EXDATE:20250914`) is
 * read as a date; an empty date property is left out; blanks inside a rule (`BYDAY=MO, TU`) are
 * removed; a rule with an unknown FREQ is left out (the event stays, without repeating); an RSCALE
 * rule is kept aside for the calendar-aware engine.
 */
export function repairCalendar(input: string): RepairedCalendar {
  const nul = withoutNul(input);
  const counts = new Map<string, { n: number; example: string }>();
  const count = (what: string, example: string): void => {
    const c = counts.get(what);
    if (c) c.n++;
    else counts.set(what, { n: 1, example: example.slice(0, 80) });
  };
  // Only the lines of the properties repaired here are looked at (one pass over the text).
  const text = nul.text.replace(candidates, (match: string): string => {
    const line = match.slice(1).replace(/\r?\n[ \t]/g, "");
    const colon = valueColon(line);
    if (colon < 0) return match;
    const head = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/\r$/, "");
    const semicolon = head.indexOf(";");
    const name = (semicolon < 0 ? head : head.slice(0, semicolon)).toUpperCase();
    const params = semicolon < 0 ? "" : head.slice(semicolon);
    if (dateNames.has(name)) {
      const trimmed = value.replace(/\s+/g, "");
      if (!trimmed) {
        count("empty", line);
        return "\nX-DESKTRUST-EMPTY:";
      }
      if (!/VALUE=/i.test(params) && /^\d{8}(,\d{8})*$/.test(trimmed)) {
        count("date", line);
        return `\n${name}${params};VALUE=DATE:${trimmed}`;
      }
      return trimmed === value ? match : `\n${name}${params}:${trimmed}`;
    }
    let compact = value.replace(/\s+/g, "").replace(/;+$/, "");
    if (compact !== value.trim()) count("blanks", line);
    if (/(?:^|;)COUNT=(?![1-9]\d*(?:;|$))/i.test(compact)) {
      count("count", line);
      compact = compact.replace(/(?:^|;)COUNT=[^;]*/i, "").replace(/^;/, "");
    }
    const freq = /(?:^|;)FREQ=([^;]*)/i.exec(compact)?.[1]?.toUpperCase();
    if (!freq || !frequencies.has(freq)) {
      count("freq", line);
      return "\nX-DESKTRUST-DROPPED:";
    }
    if (/(?:^|;)RSCALE=/i.test(compact)) {
      return name === "RRULE" ? `\n${RSCALE_RULE}:${compact}` : "\nX-DESKTRUST-DROPPED:";
    }
    return compact === value ? match : `\n${name}${params}:${compact}`;
  });
  const notes = [...nul.notes];
  const say: Record<string, (n: number) => string> = {
    date: (n) =>
      `${n} date value${n === 1 ? "" : "s"} without VALUE=DATE (such as "${counts.get("date")?.example}") ${n === 1 ? "was" : "were"} read as ${n === 1 ? "a date" : "dates"}.`,
    empty: (n) =>
      `${n} empty date propert${n === 1 ? "y was" : "ies were"} left out (such as "${counts.get("empty")?.example}").`,
    blanks: (n) =>
      `${n} recurrence rule${n === 1 ? "" : "s"} with blanks inside (such as "${counts.get("blanks")?.example}") ${n === 1 ? "was" : "were"} read without them.`,
    count: (n) =>
      `${n} recurrence rule${n === 1 ? "" : "s"} with a COUNT that is not a positive number (such as "${counts.get("count")?.example}") ${n === 1 ? "was" : "were"} read without it.`,
    freq: (n) =>
      `${n} recurrence rule${n === 1 ? "" : "s"} without a valid FREQ (such as "${counts.get("freq")?.example}") ${n === 1 ? "was" : "were"} left out; ${n === 1 ? "its event was" : "their events were"} kept as single events.`,
  };
  for (const [what, { n }] of counts) notes.push((say[what] as (n: number) => string)(n));
  return { text, notes };
}
