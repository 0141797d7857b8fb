/**
 * Expands every .ics file of a folder (recursively) the way calendar-audit imports it and prints,
 * per file, the events, recurring series and occurrences it found and every note about what was
 * skipped or adjusted. With `--reference <folder>` it also compares each file's occurrences with a
 * reference expansion and prints how many have the same start, and the same start and end.
 *
 *   npx bun scripts/ics-conformance.ts <folder> [--reference <folder>] [--from ISO --to ISO] [--quiet]
 *
 * Reference format: for `a/b.ics`, `a__b.ics.jsonl` holds one JSON object per occurrence
 * (`uid`, `start`, `end`; UTC instants, floating date-times or dates) and `a__b.ics.window` may
 * hold `<file> <from> <to>`, the window to expand over. Without a window, a file is expanded from
 * the day before its first DTSTART over two years.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type Expansion, expand } from "../plugins/calendar-audit/expand.ts";

interface Args {
  dir: string;
  reference: string | null;
  from: Date | null;
  to: Date | null;
  quiet: boolean;
}

interface Comparison {
  reference: number;
  sameStart: number;
  sameStartAndEnd: number;
  missing: string[];
  extra: string[];
  endDiffers: string[];
}

function parseArgs(argv: string[]): Args | string {
  const args: Args = { dir: "", reference: null, from: null, to: null, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--reference") args.reference = argv[++i] ?? null;
    else if (a === "--from") args.from = new Date(argv[++i] ?? "");
    else if (a === "--to") args.to = new Date(argv[++i] ?? "");
    else if (a === "--quiet") args.quiet = true;
    else if (!args.dir) args.dir = a;
    else return `unexpected argument ${a}`;
  }
  if (!args.dir) return "usage: ics-conformance.ts <folder of .ics files> [--reference <folder>] [--from ISO --to ISO]";
  if (args.from && Number.isNaN(args.from.getTime())) return "--from is not an ISO instant";
  if (args.to && Number.isNaN(args.to.getTime())) return "--to is not an ISO instant";
  return args;
}

function icsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...icsFiles(path));
    else if (name.toLowerCase().endsWith(".ics")) out.push(path);
  }
  return out;
}

/** The day before the file's first DTSTART, over two years (UTC). */
function defaultWindow(text: string): { from: Date; to: Date } {
  let first = Number.POSITIVE_INFINITY;
  // Time-zone onsets (DTSTART inside VTIMEZONE) are not events.
  const events = text.replace(/BEGIN:VTIMEZONE[\s\S]*?END:VTIMEZONE/gi, "");
  for (const m of events.matchAll(/^DTSTART[^:\r\n]*:(\d{4})(\d{2})(\d{2})/gim)) {
    first = Math.min(first, Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  if (!Number.isFinite(first)) first = Date.UTC(2026, 0, 1);
  const from = new Date(first - 86_400_000);
  const to = new Date(from);
  to.setUTCFullYear(to.getUTCFullYear() + 2);
  return { from, to };
}

/** Reference instants as UTC ISO without milliseconds: dates at 00:00Z, floating times as if UTC. */
function normalize(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  if (!/Z$|[+-]\d{2}:\d{2}$/.test(value)) return `${value}Z`;
  return new Date(value).toISOString().replace(".000Z", "Z");
}

function compare(x: Expansion, referenceLines: string[]): Comparison {
  // Occurrences keyed by UID + start, and by start alone for reference rows without a UID.
  const byUid = new Map<string, string[]>();
  const byStart = new Map<string, string[]>();
  const take = (map: Map<string, string[]>, key: string): string | undefined => map.get(key)?.pop();
  for (const o of x.occurrences) {
    const start = o.start.replace(".000Z", "Z");
    const end = o.end.replace(".000Z", "Z");
    for (const [map, key] of [
      [byUid, `${o.uid} ${start}`],
      [byStart, start],
    ] as const) {
      const list = map.get(key) ?? [];
      list.push(end);
      map.set(key, list);
    }
  }
  const result: Comparison = { reference: 0, sameStart: 0, sameStartAndEnd: 0, missing: [], extra: [], endDiffers: [] };
  let used = 0;
  for (const line of referenceLines) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { uid: string | null; start: string; end: string };
    result.reference++;
    const start = normalize(row.start);
    const end = normalize(row.end);
    const end_ = row.uid ? take(byUid, `${row.uid} ${start}`) : take(byStart, start);
    if (end_ === undefined) {
      result.missing.push(`${row.uid ?? "(no uid)"} ${start}`);
      continue;
    }
    used++;
    result.sameStart++;
    if (end_ === end) result.sameStartAndEnd++;
    else result.endDiffers.push(`${row.uid ?? "(no uid)"} ${start}: end ${end_} (reference ${end})`);
  }
  if (x.occurrences.length > used) {
    for (const [key, ends] of byUid) for (const _ of ends) result.extra.push(key);
    result.extra = result.extra.slice(0, Math.max(0, x.occurrences.length - used));
  }
  return result;
}

/** UIDs in the file that are neither among the expanded events nor named in a note. */
function silentlyDropped(text: string, x: Expansion): string[] {
  // Alarms and other nested components carry UIDs of their own.
  const unfolded = text
    .replace(/\r?\n[ \t]/g, "")
    .replace(/BEGIN:(VALARM|VTODO|VJOURNAL|VFREEBUSY)[\s\S]*?END:\1/gi, "");
  const uids = new Set([...unfolded.matchAll(/^UID[^:\r\n]*:([^\r\n]*)$/gim)].map((m) => (m[1] as string).trim()));
  const known = new Set([...x.events.map((e) => e.uid), ...x.outside]);
  const notes = x.problems.join("\n");
  return [...uids].filter((uid) => uid && !known.has(uid) && !notes.includes(uid));
}

function percent(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(2)} %` : "n/a";
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === "string") {
    console.error(args);
    return 2;
  }
  const files = icsFiles(args.dir);
  if (!files.length) {
    console.error(`No .ics files in ${args.dir}.`);
    return 1;
  }
  const totals = {
    files: 0,
    refused: 0,
    dropped: 0,
    occurrences: 0,
    notes: 0,
    reference: 0,
    sameStart: 0,
    sameStartAndEnd: 0,
  };
  for (const path of files) {
    const rel = relative(args.dir, path);
    const text = readFileSync(path, "utf8");
    const referenceBase = args.reference ? join(args.reference, rel.split("/").join("__")) : null;
    let window = defaultWindow(text);
    if (referenceBase) {
      try {
        const [, from, to] = readFileSync(`${referenceBase}.window`, "utf8").trim().split(/\s+/);
        window = { from: new Date(from as string), to: new Date(to as string) };
      } catch {}
    }
    if (args.from) window.from = args.from;
    if (args.to) window.to = args.to;
    totals.files++;
    let x: Expansion;
    try {
      x = expand(text, window);
    } catch (error) {
      totals.refused++;
      console.log(`${rel}: refused: ${(error as Error).message}`);
      continue;
    }
    const series = x.events.filter((e) => e.recurring).length;
    const dropped = silentlyDropped(text, x);
    totals.dropped += dropped.length;
    totals.occurrences += x.occurrences.length;
    totals.notes += x.problems.length;
    let line = `${rel}: ${x.events.length} events, ${series} series, ${x.occurrences.length} occurrences, ${x.problems.length} notes`;
    if (dropped.length) line += `, ${dropped.length} events dropped without a note (${dropped.slice(0, 5).join(", ")})`;
    let detail: string[] = [];
    if (referenceBase) {
      let lines: string[] | null = null;
      try {
        lines = readFileSync(`${referenceBase}.jsonl`, "utf8").split("\n");
      } catch {}
      if (lines) {
        const c = compare(x, lines);
        if (c.reference) {
          totals.reference += c.reference;
          totals.sameStart += c.sameStart;
          totals.sameStartAndEnd += c.sameStartAndEnd;
          line += `; reference ${c.reference}, same start ${c.sameStart}, same start and end ${c.sameStartAndEnd}`;
          const show = (label: string, list: string[]): string[] =>
            list.length ? [`  ${label} (${list.length}): ${list.slice(0, 5).join("; ")}`] : [];
          detail = [...show("missing", c.missing), ...show("extra", c.extra), ...show("end differs", c.endDiffers)];
        }
      }
    }
    console.log(line);
    if (!args.quiet) {
      for (const p of x.problems) console.log(`  note: ${p}`);
      for (const d of detail) console.log(d);
    }
  }
  console.log(
    `\n${totals.files} files (${totals.refused} refused), ${totals.occurrences} occurrences, ${totals.notes} notes, ${totals.dropped} events dropped without a note`,
  );
  if (args.reference) {
    console.log(
      `reference occurrences ${totals.reference}: same start ${totals.sameStart} (${percent(totals.sameStart, totals.reference)}), same start and end ${totals.sameStartAndEnd} (${percent(totals.sameStartAndEnd, totals.reference)})`,
    );
  }
  return 0;
}

process.exit(main());
