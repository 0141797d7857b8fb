import { and, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx, PluginServices } from "../../server/plugin-api.ts";
import { cadenceOf } from "./cadence.ts";
import { classify } from "./classify.ts";
import {
  type Attendee,
  defaultWindow,
  type ExpandWindow,
  type Expansion,
  expand,
  NotACalendarError,
} from "./expand.ts";
import { orgDomains } from "./org.ts";
import { type CalendarImport, calendarImports, calendarSources, meetingOccurrences, meetingSeries } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

/** Files up to this size import within the request; larger ones go to the worker, with progress. */
export const INLINE_IMPORT_CHARS = 512 * 1024;
const SERIES_CHUNK = 500;
const OCCURRENCE_CHUNK = 2000;

type Services = PluginServices<CalendarAuditSettings>;

/** Queues an import of one file for a source and runs it now when it is small. */
export async function startImport(
  s: Services,
  input: { sourceId: string; fileName: string; text: string; createdBy: string | null },
): Promise<CalendarImport> {
  const [row] = await s.db
    .insert(calendarImports)
    .values({
      sourceId: input.sourceId,
      fileName: input.fileName.slice(0, 200),
      payload: input.text,
      createdBy: input.createdBy,
      createdAt: s.clock.now(),
    })
    .returning();
  const queued = row as CalendarImport;
  if (input.text.length <= INLINE_IMPORT_CHARS) return runImport(s, queued.id);
  return queued;
}

/** Imports every queued file (the worker job). */
export async function runQueuedImports(s: Services): Promise<number> {
  const queued = await s.db
    .select({ id: calendarImports.id })
    .from(calendarImports)
    .where(eq(calendarImports.status, "queued"))
    .orderBy(calendarImports.createdAt)
    .limit(20);
  for (const q of queued) await runImport(s, q.id);
  return queued.length;
}

/**
 * Runs one queued import: claims it (so two instances never both run it), parses and expands,
 * then stores events and occurrences in one transaction — all of the file or nothing.
 */
export async function runImport(s: Services, importId: string): Promise<CalendarImport> {
  const [claimed] = await s.db
    .update(calendarImports)
    .set({ status: "running", progress: 5 })
    .where(and(eq(calendarImports.id, importId), eq(calendarImports.status, "queued")))
    .returning();
  if (!claimed) {
    const [current] = await s.db.select().from(calendarImports).where(eq(calendarImports.id, importId));
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
      .returning();
    return row as CalendarImport;
  };
  try {
    const [source] = await s.db.select().from(calendarSources).where(eq(calendarSources.id, claimed.sourceId));
    if (!source) return finish({ status: "failed", progress: 100, message: "The calendar source was deleted." });
    const settings = await s.settings();
    const window = defaultWindow(s.clock.now());
    let expansion: Expansion;
    try {
      expansion = expand(claimed.payload ?? "", window, { maxAttendees: settings.maxAttendees });
    } catch (error) {
      if (error instanceof NotACalendarError)
        return finish({ status: "failed", progress: 100, message: error.message });
      throw error;
    }
    await progress(50, `Read ${expansion.events.length} events; saving.`);
    const teamId = source.teamId ?? (source.personId ? ((await s.teamsOf(source.personId))[0]?.id ?? null) : null);
    const domains = await orgDomains(s.db, settings);
    const counts = await s.transaction((tx) =>
      storeExpansion(tx, { expansion, window, sourceId: source.id, teamId, domains, now: s.clock.now() }),
    );
    return finish({
      status: "done",
      progress: 100,
      message: `Imported ${counts.events} events (${counts.series} recurring series, ${counts.occurrences} occurrences).`,
      problems: expansion.problems.slice(0, 50),
      eventCount: counts.events,
      seriesCount: counts.series,
      occurrenceCount: counts.occurrences,
    });
  } catch (error) {
    s.logger.error("calendar import failed", { importId, error: String(error) });
    return finish({ status: "failed", progress: 100, message: "The import failed; nothing was saved. Try again." });
  }
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
    domains: Set<string>;
    now: Date;
  },
): Promise<{ events: number; series: number; occurrences: number }> {
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
      teamId: input.teamId,
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

  const ids = new Map<string, string>();
  for (let i = 0; i < rows.length; i += SERIES_CHUNK) {
    const chunk = rows.slice(i, i + SERIES_CHUNK);
    const stored = await tx
      .insert(meetingSeries)
      .values(chunk)
      .onConflictDoUpdate({
        target: meetingSeries.uid,
        set: {
          sourceId: sql`excluded.source_id`,
          teamId: sql`coalesce(excluded.team_id, ${meetingSeries.teamId})`,
          summary: sql`excluded.summary`,
          organizer: sql`excluded.organizer`,
          recurring: sql`excluded.recurring`,
          rrule: sql`excluded.rrule`,
          hasEnd: sql`excluded.has_end`,
          timeZone: sql`excluded.time_zone`,
          allDay: sql`excluded.all_day`,
          durationMinutes: sql`excluded.duration_minutes`,
          perWeek: sql`excluded.per_week`,
          cadence: sql`excluded.cadence`,
          attendees: sql`excluded.attendees`,
          attendeeTotal: sql`excluded.attendee_total`,
          rooms: sql`excluded.rooms`,
          category: sql`excluded.category`,
          confidence: sql`excluded.confidence`,
          reasons: sql`excluded.reasons`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .returning({ id: meetingSeries.id, uid: meetingSeries.uid });
    for (const r of stored) ids.set(r.uid, r.id);
  }

  const seriesIds = [...ids.values()];
  for (let i = 0; i < seriesIds.length; i += 5000) {
    await tx
      .delete(meetingOccurrences)
      .where(
        and(
          inArray(meetingOccurrences.seriesId, seriesIds.slice(i, i + 5000)),
          gte(meetingOccurrences.start, window.from),
          lt(meetingOccurrences.start, window.to),
        ),
      );
  }
  const occurrenceRows = expansion.occurrences.flatMap((o) => {
    const seriesId = ids.get(o.uid.slice(0, 500));
    if (!seriesId) return [];
    return [
      {
        seriesId,
        start: new Date(o.start),
        end: new Date(o.end),
        recurrenceId: o.recurrenceId ? new Date(o.recurrenceId) : null,
        allDay: o.allDay,
        ...attendance(o.attendees),
      },
    ];
  });
  let stored = 0;
  for (let i = 0; i < occurrenceRows.length; i += OCCURRENCE_CHUNK) {
    const chunk = occurrenceRows.slice(i, i + OCCURRENCE_CHUNK);
    const inserted = await tx
      .insert(meetingOccurrences)
      .values(chunk)
      .onConflictDoNothing()
      .returning({ start: meetingOccurrences.start });
    stored += inserted.length;
  }
  return { events: rows.length, series: rows.filter((r) => r.recurring).length, occurrences: stored };
}
