import { and, asc, eq, lt, sql } from "drizzle-orm";
import { type DbOrTx, type PluginServices, people, teamMembers } from "../../server/plugin-api.ts";
import { cadenceOf } from "./cadence.ts";
import { classify } from "./classify.ts";
import { ExpansionTimeoutError, expandOffThread } from "./expand-off-thread.ts";
import { type Attendee, defaultWindow, type ExpandWindow, type Expansion, NotACalendarError } from "./expansion.ts";
import { withoutNul } from "./ics-repair.ts";
import { orgDomains, rowsOf } from "./org.ts";
import {
  type CalendarImport,
  calendarImportColumns,
  calendarImportParts,
  calendarImports,
  calendarSources,
} from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

const SERIES_CHUNK = 100;
// Small statements: on the embedded database each one holds every other query until it ends.
const OCCURRENCE_CHUNK = 500;
const DELETE_CHUNK = 200;
/** Characters per stored piece of an uploaded file. */
const PART_CHARS = 256 * 1024;
/** An upload whose pieces were not all written by then was cut off (a stopped server). */
const ABANDONED_UPLOAD_MS = 10 * 60_000;

type Services = PluginServices<CalendarAuditSettings>;

/**
 * Queues an import of one file for a source and starts it after the response: the request
 * never waits for parsing (the import page shows progress). The every-minute job picks up any
 * import a stopped server left queued.
 */
export async function startImport(
  s: Services,
  input: { sourceId: string; fileName: string; text: string; createdBy: string | null },
): Promise<CalendarImport> {
  // Postgres cannot store a NUL in text: remove them before the payload is queued, and say so.
  const clean = withoutNul(input.text);
  const [row] = await s.db
    .insert(calendarImports)
    .values({
      sourceId: input.sourceId,
      fileName: input.fileName.replaceAll("\0", "").slice(0, 200),
      ready: false,
      problems: clean.notes,
      createdBy: input.createdBy,
      createdAt: s.clock.now(),
    })
    .returning(calendarImportColumns);
  const queued = row as CalendarImport;
  try {
    // One piece per statement: the portal keeps answering while a large file is stored.
    for (let seq = 0; seq * PART_CHARS < clean.text.length || seq === 0; seq++)
      await s.db
        .insert(calendarImportParts)
        .values({ importId: queued.id, seq, body: clean.text.slice(seq * PART_CHARS, (seq + 1) * PART_CHARS) });
    await s.db.update(calendarImports).set({ ready: true }).where(eq(calendarImports.id, queued.id));
  } catch (error) {
    await s.db.delete(calendarImports).where(eq(calendarImports.id, queued.id));
    throw error;
  }
  s.background(`import ${queued.id}`, () => runImport(s, queued.id));
  return { ...queued, ready: true };
}

/** The uploaded text of an import: its stored pieces in order (or an older version's payload). */
async function uploadedText(s: Services, importId: string): Promise<string> {
  const [legacy] = await s.db
    .select({ payload: calendarImports.payload })
    .from(calendarImports)
    .where(eq(calendarImports.id, importId));
  if (legacy?.payload) return legacy.payload;
  const pieces: string[] = [];
  for (let seq = 0; ; seq++) {
    const [part] = await s.db
      .select({ body: calendarImportParts.body })
      .from(calendarImportParts)
      .where(and(eq(calendarImportParts.importId, importId), eq(calendarImportParts.seq, seq)));
    if (!part) break;
    pieces.push(part.body);
  }
  return pieces.join("");
}

/** Imports every queued file (the worker job). */
export async function runQueuedImports(s: Services): Promise<number> {
  // Uploads a stopped server cut off are removed (their pieces with them).
  await s.db
    .delete(calendarImports)
    .where(
      and(
        eq(calendarImports.ready, false),
        lt(calendarImports.createdAt, new Date(s.clock.now().getTime() - ABANDONED_UPLOAD_MS)),
      ),
    );
  const queued = await s.db
    .select({ id: calendarImports.id })
    .from(calendarImports)
    .where(and(eq(calendarImports.status, "queued"), eq(calendarImports.ready, true)))
    .orderBy(asc(calendarImports.createdAt))
    .limit(20);
  for (const q of queued) await runImport(s, q.id);
  return queued.length;
}

/**
 * Runs one queued import: claims it (so two instances never both run it), parses and expands,
 * then stores events and occurrences in small statements (a re-import replaces them by UID).
 */
export async function runImport(s: Services, importId: string): Promise<CalendarImport> {
  const [claimed] = await s.db
    .update(calendarImports)
    .set({ status: "running", progress: 5 })
    .where(and(eq(calendarImports.id, importId), eq(calendarImports.status, "queued"), eq(calendarImports.ready, true)))
    .returning(calendarImportColumns);
  if (!claimed) {
    const [current] = await s.db
      .select(calendarImportColumns)
      .from(calendarImports)
      .where(eq(calendarImports.id, importId));
    return current as CalendarImport;
  }
  const progress = async (value: number, message: string): Promise<void> => {
    await s.db.update(calendarImports).set({ progress: value, message }).where(eq(calendarImports.id, importId));
  };
  const finish = async (set: Partial<CalendarImport>): Promise<CalendarImport> => {
    const [row] = await s.db
      .update(calendarImports)
      .set({ ...set, payload: null, finishedAt: s.clock.now() })
      .where(eq(calendarImports.id, importId))
      .returning(calendarImportColumns);
    await s.db.delete(calendarImportParts).where(eq(calendarImportParts.importId, importId));
    return row as CalendarImport;
  };
  try {
    const [source] = await s.db.select().from(calendarSources).where(eq(calendarSources.id, claimed.sourceId));
    if (!source) return finish({ status: "failed", progress: 100, message: "The calendar source was deleted." });
    const settings = await s.settings();
    const window = defaultWindow(s.clock.now());
    let expansion: Expansion;
    try {
      expansion = await expandOffThread(await uploadedText(s, importId), window, {
        maxAttendees: settings.maxAttendees,
      });
    } catch (error) {
      if (error instanceof NotACalendarError || error instanceof ExpansionTimeoutError)
        return finish({ status: "failed", progress: 100, message: error.message });
      throw error;
    }
    await progress(50, `Read ${expansion.events.length} events; saving.`);
    const domains = await orgDomains(s.db, settings);
    const owner = source.personId ? await ownerTeams(s.db, source.personId) : null;
    // Stored in many small statements rather than one transaction, so the portal keeps
    // answering during a large import; a re-import of the file replaces what it wrote (by UID).
    const counts = await storeExpansion(s.db, {
      expansion,
      window,
      sourceId: source.id,
      teamId: source.teamId,
      owner,
      domains,
      now: s.clock.now(),
    });
    return finish({
      status: "done",
      progress: 100,
      message: `Imported ${plural(counts.events, "event")} (${counts.series} recurring series, ${plural(counts.occurrences, "occurrence")}).`,
      problems: notesToKeep([...claimed.problems, ...expansion.problems]),
      eventCount: counts.events,
      seriesCount: counts.series,
      occurrenceCount: counts.occurrences,
    });
  } catch (error) {
    s.logger.error("calendar import failed", { importId, error: String(error) });
    return finish({
      status: "failed",
      progress: 100,
      message: "The import failed before it finished. Import the file again: it replaces what was saved.",
    });
  }
}

/** At most 50 notes are stored; when there are more, the last one says how many were left out. */
function notesToKeep(notes: string[]): string[] {
  if (notes.length <= 50) return notes;
  return [...notes.slice(0, 49), `… and ${notes.length - 49} more notes like these.`];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The teams of a personal calendar's owner, each with the emails of its other members. */
export interface OwnerTeams {
  personId: string;
  teams: { teamId: string; otherEmails: Set<string> }[];
}

export async function ownerTeams(db: DbOrTx, personId: string): Promise<OwnerTeams> {
  const rows = rowsOf<{ team_id: string; email: string }>(
    await db.execute(sql`
      select mine.team_id, lower(p.email) as email
      from ${teamMembers} mine
      join ${teamMembers} other on other.team_id = mine.team_id and other.person_id <> mine.person_id
      join ${people} p on p.id = other.person_id
      where mine.person_id = ${personId}
      order by mine.team_id`),
  );
  const byTeam = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = byTeam.get(r.team_id) ?? new Set<string>();
    set.add(r.email);
    byTeam.set(r.team_id, set);
  }
  return { personId, teams: [...byTeam].map(([teamId, otherEmails]) => ({ teamId, otherEmails })) };
}

/**
 * The team that sees a series: a team upload's team; for a personal calendar, the first of the
 * owner's teams with another member among the attendees, else none (only the owner sees it).
 */
function teamOfSeries(attendees: Attendee[], teamId: string | null, owner: OwnerTeams | null): string | null {
  if (!owner) return teamId;
  const emails = attendees.map((a) => a.email);
  return owner.teams.find((t) => emails.some((e) => t.otherEmails.has(e)))?.teamId ?? null;
}

/** People attending an occurrence: declined left out, optional ones counted apart. */
export function attendance(attendees: Attendee[]): { required: number; optional: number } {
  let required = 0;
  let optional = 0;
  for (const a of attendees) {
    if (a.partstat === "DECLINED") continue;
    if (a.role === "OPT-PARTICIPANT" || a.role === "NON-PARTICIPANT") optional++;
    else required++;
  }
  return { required, optional };
}

export function isInternal(email: string, domains: Set<string>): boolean {
  const at = email.lastIndexOf("@");
  return at > 0 && domains.has(email.slice(at + 1));
}

/**
 * Upserts every event by UID (a manager's override and the series' outcome are kept) and
 * replaces its occurrences inside the window, with multi-row inserts in chunks.
 */
export async function storeExpansion(
  tx: DbOrTx,
  input: {
    expansion: Expansion;
    window: ExpandWindow;
    sourceId: string;
    teamId: string | null;
    /** Set when the calendar is someone's own ("My calendar"). */
    owner?: OwnerTeams | null;
    domains: Set<string>;
    now: Date;
  },
): Promise<{ events: number; series: number; occurrences: number }> {
  const owner = input.owner ?? null;
  const { expansion, window, domains, now } = input;
  const firstByUid = new Map<string, number>();
  expansion.events.forEach((e, i) => {
    if (!firstByUid.has(e.uid)) firstByUid.set(e.uid, i);
  });
  const rows = [...firstByUid.values()].map((i) => {
    const e = expansion.events[i] as Expansion["events"][number];
    const cadence = cadenceOf(e.rrule);
    const present = e.attendees.filter((a) => a.partstat !== "DECLINED");
    const external = present.filter((a) => !isInternal(a.email, domains)).length;
    const c = classify({
      summary: e.summary,
      description: e.description,
      cadence: cadence.label,
      perWeek: cadence.perWeek,
      durationMinutes: e.durationMinutes,
      people: Math.max(present.length, e.attendeeTotal - (e.attendees.length - present.length)),
      external,
      allDay: e.allDay,
      recurring: e.recurring,
    });
    return {
      uid: e.uid.slice(0, 500),
      sourceId: input.sourceId,
      teamId: teamOfSeries(e.attendees, input.teamId, owner),
      ownerId: owner?.personId ?? null,
      summary: e.summary.slice(0, 500),
      organizer: e.organizer,
      recurring: e.recurring,
      rrule: e.rrule,
      hasEnd: e.hasEnd,
      timeZone: e.timeZone,
      allDay: e.allDay,
      durationMinutes: e.durationMinutes,
      perWeek: cadence.perWeek,
      cadence: cadence.label,
      attendees: e.attendees,
      attendeeTotal: e.attendeeTotal,
      rooms: e.rooms,
      category: c.category,
      confidence: c.confidence,
      reasons: c.reasons,
      updatedAt: now,
    };
  });

  // One statement per chunk, each carrying its rows as a single JSON parameter: no per-row
  // bound parameters for the driver to build, and Postgres parses the batch in one go.
  const ids = new Map<string, string>();
  for (let i = 0; i < rows.length; i += SERIES_CHUNK) {
    const chunk = JSON.stringify(rows.slice(i, i + SERIES_CHUNK));
    const stored = rowsOf<{ id: string; uid: string }>(
      await tx.execute(sql`
        insert into calendar_audit.series as s (uid, source_id, team_id, owner_id, summary, organizer, recurring, rrule,
          has_end, time_zone, all_day, duration_minutes, per_week, cadence, attendees, attendee_total, rooms,
          category, confidence, reasons, updated_at)
        select x."uid", x."sourceId", x."teamId", x."ownerId", x."summary", x."organizer", x."recurring", x."rrule", x."hasEnd",
          x."timeZone", x."allDay", x."durationMinutes", x."perWeek", x."cadence", x."attendees", x."attendeeTotal",
          x."rooms", x."category", x."confidence", x."reasons", x."updatedAt"
        from json_to_recordset(${chunk}::json) as x("uid" text, "sourceId" uuid, "teamId" uuid, "ownerId" uuid, "summary" text,
          "organizer" text, "recurring" boolean, "rrule" text, "hasEnd" boolean, "timeZone" text, "allDay" boolean,
          "durationMinutes" integer, "perWeek" real, "cadence" text, "attendees" jsonb, "attendeeTotal" integer,
          "rooms" jsonb, "category" text, "confidence" real, "reasons" jsonb, "updatedAt" timestamptz)
        on conflict (uid) do update set
          source_id = excluded.source_id,
          -- once shared with a team (a team upload, or a teammate attends), a series stays shared
          team_id = coalesce(excluded.team_id, s.team_id),
          owner_id = coalesce(s.owner_id, excluded.owner_id),
          summary = excluded.summary,
          organizer = excluded.organizer,
          recurring = excluded.recurring,
          rrule = excluded.rrule,
          has_end = excluded.has_end,
          time_zone = excluded.time_zone,
          all_day = excluded.all_day,
          duration_minutes = excluded.duration_minutes,
          per_week = excluded.per_week,
          cadence = excluded.cadence,
          attendees = excluded.attendees,
          attendee_total = excluded.attendee_total,
          rooms = excluded.rooms,
          category = excluded.category,
          confidence = excluded.confidence,
          reasons = excluded.reasons,
          updated_at = excluded.updated_at
        returning s.id, s.uid`),
    );
    for (const r of stored) ids.set(r.uid, r.id);
  }
  if (!ids.size) return { events: rows.length, series: 0, occurrences: 0 };

  const seriesIds = [...ids.values()];
  for (let i = 0; i < seriesIds.length; i += DELETE_CHUNK) {
    await tx.execute(sql`
      delete from calendar_audit.occurrences
      where series_id = any(${`{${seriesIds.slice(i, i + DELETE_CHUNK).join(",")}}`}::uuid[])
        and start >= ${window.from.toISOString()}::timestamptz and start < ${window.to.toISOString()}::timestamptz`);
  }

  // Occurrences as compact records (s: series, a/e: start/end, r: recurrence id, d: all day,
  // q/o: required/optional); instants stay the ISO text the expansion produced.
  const occurrenceRows: { s: string; a: string; e: string; r: string | null; d: boolean; q: number; o: number }[] = [];
  // Most occurrences share their event's attendee list: count each list once.
  const counted = new Map<Attendee[], { required: number; optional: number }>();
  for (const o of expansion.occurrences) {
    const seriesId = ids.get(o.uid.slice(0, 500));
    if (!seriesId) continue;
    let people = counted.get(o.attendees);
    if (!people) {
      people = attendance(o.attendees);
      counted.set(o.attendees, people);
    }
    const { required, optional } = people;
    occurrenceRows.push({
      s: seriesId,
      a: o.start,
      e: o.end,
      r: o.recurrenceId,
      d: o.allDay,
      q: required,
      o: optional,
    });
  }
  let stored = 0;
  for (let i = 0; i < occurrenceRows.length; i += OCCURRENCE_CHUNK) {
    const chunk = JSON.stringify(occurrenceRows.slice(i, i + OCCURRENCE_CHUNK));
    const [inserted] = rowsOf<{ n: number }>(
      await tx.execute(sql`
        with inserted as (
          insert into calendar_audit.occurrences (series_id, start, "end", recurrence_id, all_day, required, optional)
          select x.s, x.a, x.e, x.r, x.d, x.q, x.o
          from json_to_recordset(${chunk}::json) as x(s uuid, a timestamptz, e timestamptz, r timestamptz, d boolean, q integer, o integer)
          on conflict do nothing
          returning 1
        )
        select count(*)::int as n from inserted`),
    );
    stored += Number(inserted?.n ?? 0);
  }
  return { events: rows.length, series: rows.filter((r) => r.recurring).length, occurrences: stored };
}
