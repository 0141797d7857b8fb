import ICAL from "ical.js";
import { NotACalendarError } from "./expansion.ts";

export { NotACalendarError } from "./expansion.ts";

/**
 * An alarm (VALARM), or a content line (with its folded continuation lines) of a property the
 * expansion does not read: exports carry more of those than of the rest (DTSTAMP, CREATED,
 * LAST-MODIFIED, TRANSP, LOCATION, X-ALT-DESC with a whole HTML page…), and ical.js would parse
 * and unescape each one. STATUS is read only when CANCELLED, SEQUENCE only when not 0 (its
 * default). A line that is not a property at all stays, so the lenient parse can name it. An
 * alarm is matched line by line up to its END (never past another BEGIN), so a file of unclosed
 * alarms costs linear time, not quadratic.
 */
const unreadProperty =
  /\r?\n(?:BEGIN:VALARM(?:\r?\n(?!END:VALARM|BEGIN:)[^\r\n]*)*\r?\nEND:VALARM(?=\r?\n)|(?!(?:BEGIN|END|UID|DTSTART|DTEND|DURATION|RRULE|RDATE|EXDATE|RECURRENCE-ID|SUMMARY|DESCRIPTION|ORGANIZER|ATTENDEE|STATUS(?=[^\r\n]*CANCELLED)|SEQUENCE(?!:0*\r?\n)|TZID|TZOFFSETFROM|TZOFFSETTO|X-WR-TIMEZONE)[;:])[A-Z0-9-]+[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/gi;

/**
 * The calendar with only what the expansion reads (components, dates, rules, people, titles,
 * cancellations, versions, zones), so that parsing costs what the audit needs. One native pass.
 */
export function withReadPropertiesOnly(text: string): string {
  return text.replace(unreadProperty, "");
}

/**
 * Parses the whole file; when that fails (truncated or garbled), parses each VEVENT block on its
 * own so the readable events still import, and within a block that fails, leaves out only the
 * lines ical.js cannot read.
 */
export function parseLeniently(
  text: string,
  notes: string[],
): { calendars: ICAL.Component[]; vevents: ICAL.Component[] } {
  try {
    const parsed = ICAL.parse(text);
    const roots = (Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
    const calendars = roots.map((r) => new ICAL.Component(r as never)).filter((c) => c.name === "vcalendar");
    if (!calendars.length) throw new NotACalendarError("The file holds no VCALENDAR.");
    return { calendars, vevents: calendars.flatMap((c) => c.getAllSubcomponents("vevent")) };
  } catch (error) {
    if (error instanceof NotACalendarError) throw error;
    return parseBlockByBlock(text, error as Error, notes);
  }
}

function parseBlockByBlock(
  text: string,
  error: Error,
  notes: string[],
): { calendars: ICAL.Component[]; vevents: ICAL.Component[] } {
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
    notes.push("The file's time zone definitions could not be read.");
  }
  const blocks = [...unfolded.matchAll(/BEGIN:VEVENT\r?\n([\s\S]*?)(?=BEGIN:VEVENT|END:VCALENDAR|$)/gi)];
  const vevents: ICAL.Component[] = [];
  let bad = 0;
  let repaired = 0;
  for (const block of blocks) {
    const body = (block[0] as string).trimEnd();
    if (!/END:VEVENT$/i.test(body)) {
      bad++;
      continue;
    }
    const read = readBlock(body, shell);
    if (!read) {
      bad++;
      continue;
    }
    if (read.dropped.length) {
      repaired++;
      notes.push(
        `Event ${read.uid || "(no UID)"}: ${read.dropped.length === 1 ? "a line" : `${read.dropped.length} lines`} that could not be read ${read.dropped.length === 1 ? "was" : "were"} left out (${read.dropped.map((l) => `"${l.slice(0, 60)}"`).join(", ")}).`,
      );
    }
    calendar.addSubcomponent(read.vevent);
    vevents.push(read.vevent);
  }
  if (!vevents.length && !blocks.length) {
    throw new NotACalendarError(`The calendar could not be read: ${error.message}`);
  }
  if (bad || !repaired) {
    notes.push(
      `The file is damaged (${error.message.split("\n")[0]}); ${vevents.length} events were read, ${bad} could not be.`,
    );
  }
  return { calendars: [calendar], vevents };
}

/** One VEVENT block; when it does not parse, the same block without each line that does not parse alone. */
function readBlock(
  body: string,
  shell: (body: string) => string,
): { vevent: ICAL.Component; dropped: string[]; uid: string } | null {
  const parse = (text: string): ICAL.Component | null => {
    try {
      return new ICAL.Component(ICAL.parse(shell(text)) as never).getFirstSubcomponent("vevent");
    } catch {
      return null;
    }
  };
  const whole = parse(body);
  const uid = /^UID[^:]*:(.*)$/im.exec(body)?.[1]?.trim() ?? "";
  if (whole) return { vevent: whole, dropped: [], uid };
  const lines = body.split(/\r?\n/);
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const line of lines) {
    if (/^(BEGIN|END):/i.test(line) || parse(`BEGIN:VEVENT\r\n${line}\r\nEND:VEVENT`)) kept.push(line);
    else dropped.push(line);
  }
  const vevent = parse(kept.join("\r\n"));
  return vevent ? { vevent, dropped, uid } : null;
}
