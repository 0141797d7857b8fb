import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import { type DbOrTx, membersOf, outOfOffice, people } from "../../server/plugin-api.ts";
import { businessMsBetween, type CompiledCalendar, dueMs } from "./business-time.ts";
import { calendarForBasis, calendarSpecs } from "./calendars.ts";
import { charterRowFor, currentCharter } from "./charter.ts";
import { asks, clockCycles, clocks, type TargetBasis } from "./schema.ts";

export type Clock = typeof clocks.$inferSelect;

/** Git hosts and mailers answer as bots; their replies never stop a clock. */
export function isBotIdentity(email: string, name = ""): boolean {
  const local = email.toLowerCase().split("@")[0] ?? "";
  return /\[bot\]$/i.test(name) || /(^|[-_.+])(bot|no-?reply|noreply)([-_.+]|$)|\[bot\]/.test(local);
}

type Period = { startsAt: Date; endsAt: Date };

/** Out-of-office periods of people that end after `since`, by person, ordered by start. */
async function absences(db: DbOrTx, personIds: string[], since: Date): Promise<Map<string, Period[]>> {
  const byPerson = new Map<string, Period[]>();
  if (!personIds.length) return byPerson;
  const rows = await db
    .select({ personId: outOfOffice.personId, startsAt: outOfOffice.startsAt, endsAt: outOfOffice.endsAt })
    .from(outOfOffice)
    .where(and(inArray(outOfOffice.personId, [...new Set(personIds)]), gt(outOfOffice.endsAt, since)))
    .orderBy(asc(outOfOffice.startsAt));
  for (const r of rows) byPerson.set(r.personId, [...(byPerson.get(r.personId) ?? []), r]);
  return byPerson;
}

/** When the absence covering `t` began (following back-to-back periods), or null if present at `t`. */
function absentSince(periods: Period[], t: number): number | null {
  let covering: Period | undefined = periods.find((p) => p.startsAt.getTime() <= t && t < p.endsAt.getTime());
  if (!covering) return null;
  let start = covering.startsAt.getTime();
  for (;;) {
    covering = periods.find((p) => p.startsAt.getTime() < start && p.endsAt.getTime() >= start);
    if (!covering) return start;
    start = covering.startsAt.getTime();
  }
}

/** The first instant at or after `t` when the person is not out of office. */
function presentFrom(periods: Period[], t: number): number {
  let at = t;
  for (;;) {
    const covering = periods.find((p) => p.startsAt.getTime() <= at && at < p.endsAt.getTime());
    if (!covering) return at;
    at = covering.endsAt.getTime();
  }
}

/** The due and warning instants of a running cycle that started at `from` with `consumed` seconds already used. */
export function deadlines(
  cal: CompiledCalendar,
  clock: { targetSeconds: number; warnFraction: number; consumedSeconds: number },
  from: Date,
): { dueAt: Date | null; warnAt: Date | null } {
  const dueRemaining = (clock.targetSeconds - clock.consumedSeconds) * 1000;
  const warnRemaining = (Math.floor(clock.targetSeconds * clock.warnFraction) - clock.consumedSeconds) * 1000;
  const due = dueMs(cal, from.getTime(), Math.max(0, dueRemaining));
  const warn = dueMs(cal, from.getTime(), Math.max(0, warnRemaining));
  return { dueAt: due === null ? null : new Date(due), warnAt: warn === null ? null : new Date(warn) };
}

export interface NewAsk {
  source: string;
  sourceRef: string;
  teamId: string;
  askerId: string | null;
  addresseeIds: string[];
  workType: string;
  medium: string;
  title: string;
  link: string;
  at: Date;
  /** The deadline the asker set and people see; it replaces the charter's target for this ask. */
  dueAt?: Date | null;
  warnFraction: number;
}

/**
 * The target a clock runs against: the asker's own deadline when they set one (in plain time, so
 * the clock falls due exactly when the page says), otherwise the charter row's.
 */
export function clockTarget(
  row: { targetMinutes: number; basis: TargetBasis },
  at: Date,
  dueAt: Date | null | undefined,
): { targetSeconds: number; basis: TargetBasis } {
  if (!dueAt) return { targetSeconds: row.targetMinutes * 60, basis: row.basis };
  // A deadline already past when the ask arrives is due at once (a target is at least a second).
  return { targetSeconds: Math.max(1, Math.round((dueAt.getTime() - at.getTime()) / 1000)), basis: "calendar" };
}

/**
 * Records an ask and starts one clock per responder the charter names (the addressees, the team's
 * managers, or a named person), never for the asker. Idempotent per (source, team, ref): a
 * retried event or webhook starts nothing new. Returns the ask id and how many clocks started.
 */
export async function startAsk(
  tx: DbOrTx,
  input: NewAsk,
): Promise<{ askId: string; started: number; created: boolean }> {
  const [inserted] = await tx
    .insert(asks)
    .values({
      source: input.source,
      sourceRef: input.sourceRef,
      teamId: input.teamId,
      askerId: input.askerId,
      workType: input.workType,
      medium: input.medium,
      title: input.title.slice(0, 300),
      link: input.link.slice(0, 2000),
      createdAt: input.at,
    })
    .onConflictDoNothing()
    .returning({ id: asks.id });
  if (!inserted) {
    const [existing] = await tx
      .select({ id: asks.id })
      .from(asks)
      .where(and(eq(asks.source, input.source), eq(asks.teamId, input.teamId), eq(asks.sourceRef, input.sourceRef)));
    return { askId: (existing as { id: string }).id, started: 0, created: false };
  }
  const charter = await currentCharter(tx, input.teamId);
  const row = charterRowFor(charter, input.workType, input.medium);
  const members = await membersOf(tx, input.teamId);
  const named =
    row.responders === "managers"
      ? members.filter((m) => m.isManager).map((m) => m.id)
      : row.responders === "person" && row.responderId
        ? [row.responderId]
        : input.addresseeIds;
  const responders = [...new Set(named)].filter((id) => id !== input.askerId);
  if (!responders.length) return { askId: inserted.id, started: 0, created: true };
  // Addressees each owe their own answer; a group (managers) is answered by any one of them.
  const group = row.responders === "addressees" ? null : responders;
  const target = clockTarget(row, input.at, input.dueAt);
  const spec = (await calendarSpecs(tx, [input.teamId])).get(input.teamId);
  const cal = calendarForBasis(target.basis, spec);
  const away = await absences(tx, responders, input.at);
  const t = input.at.getTime();
  const values = responders.map((responderId) => {
    const eligibleIds = group ?? [responderId];
    const paused = eligibleIds.every((id) => absentSince(away.get(id) ?? [], t) !== null);
    const base = {
      targetSeconds: target.targetSeconds,
      warnFraction: input.warnFraction,
      consumedSeconds: 0,
    };
    return {
      askId: inserted.id,
      teamId: input.teamId,
      responderId,
      eligibleIds,
      charterVersionId: charter.versionId,
      basis: target.basis,
      ...base,
      state: paused ? ("paused" as const) : ("running" as const),
      startedAt: input.at,
      cycleStartedAt: paused ? null : input.at,
      pausedAt: paused ? input.at : null,
      ...(paused ? { dueAt: null, warnAt: null } : deadlines(cal, base, input.at)),
    };
  });
  await tx.insert(clocks).values(values).onConflictDoNothing();
  return { askId: inserted.id, started: values.length, created: true };
}

async function calendarsForClocks(db: DbOrTx, rows: Clock[]): Promise<(c: Clock) => CompiledCalendar> {
  const specs = await calendarSpecs(
    db,
    rows.map((r) => r.teamId),
  );
  return (c) => calendarForBasis(c.basis, specs.get(c.teamId));
}

/** Closes the running cycle of a clock at `at`: its business seconds and whether it was still within target. */
function closeCycle(cal: CompiledCalendar, c: Clock, at: Date, endedBy: "pause" | "response") {
  const start = c.cycleStartedAt ?? at;
  const seconds = Math.max(
    0,
    Math.round(businessMsBetween(cal, start.getTime(), Math.max(at.getTime(), start.getTime())) / 1000),
  );
  const consumed = c.consumedSeconds + seconds;
  return {
    cycle: {
      clockId: c.id,
      startedAt: start,
      stoppedAt: at,
      businessSeconds: seconds,
      withinTarget: consumed <= c.targetSeconds,
      endedBy,
    },
    consumed,
  };
}

/**
 * Stops the open clocks of an ask that `responderId` may answer: not the asker's, not a bot's.
 * Returns how many stopped (0 for an ineligible responder or a repeated answer).
 */
export async function answerAsk(
  tx: DbOrTx,
  input: { askId: string; responderId: string; at: Date; bot?: boolean },
): Promise<number> {
  if (input.bot) return 0;
  const [ask] = await tx.select({ askerId: asks.askerId }).from(asks).where(eq(asks.id, input.askId));
  if (!ask || ask.askerId === input.responderId) return 0;
  const [person] = await tx
    .select({ email: people.email, name: people.name })
    .from(people)
    .where(eq(people.id, input.responderId));
  if (person && isBotIdentity(person.email, person.name)) return 0;
  const open = await tx
    .select()
    .from(clocks)
    .where(
      and(
        eq(clocks.askId, input.askId),
        sql`${clocks.state} <> 'stopped'`,
        sql`${input.responderId}::uuid = any(${clocks.eligibleIds})`,
      ),
    )
    .for("update");
  if (!open.length) return 0;
  const calendarOf = await calendarsForClocks(tx, open);
  for (const c of open) {
    // A response while paused ends nothing new: consumed time is already final.
    const at = new Date(Math.max(input.at.getTime(), c.startedAt.getTime()));
    let consumed = c.consumedSeconds;
    if (c.state === "running") {
      const closed = closeCycle(calendarOf(c), c, at, "response");
      await tx.insert(clockCycles).values(closed.cycle);
      consumed = closed.consumed;
    }
    await tx
      .update(clocks)
      .set({
        state: "stopped",
        stoppedAt: at,
        respondedById: input.responderId,
        elapsedSeconds: consumed,
        consumedSeconds: consumed,
        withinTarget: consumed <= c.targetSeconds,
        cycleStartedAt: null,
        dueAt: null,
        warnAt: null,
      })
      .where(eq(clocks.id, c.id));
  }
  return open.length;
}

/**
 * Pauses running clocks whose every eligible responder is out of office now (from the instant the
 * last of them left), and resumes paused clocks from the instant one of them is back. Due and
 * warning instants are recomputed on resume. Returns counts.
 */
export async function reconcileAbsences(db: DbOrTx, now: Date): Promise<{ paused: number; resumed: number }> {
  const candidates = await db
    .select()
    .from(clocks)
    .where(
      and(
        eq(clocks.state, "running"),
        sql`exists (select 1 from ${outOfOffice} o where o.person_id = ${clocks.responderId}
          and o.starts_at <= ${now.toISOString()}::timestamptz and o.ends_at > ${now.toISOString()}::timestamptz)`,
      ),
    );
  const pausedRows = await db.select().from(clocks).where(eq(clocks.state, "paused"));
  const all = [...candidates, ...pausedRows];
  if (!all.length) return { paused: 0, resumed: 0 };
  const since = new Date(Math.min(...all.map((c) => (c.pausedAt ?? c.cycleStartedAt ?? c.startedAt).getTime())));
  const away = await absences(
    db,
    all.flatMap((c) => c.eligibleIds),
    since,
  );
  const calendarOf = await calendarsForClocks(db, all);
  const t = now.getTime();
  let paused = 0;
  let resumed = 0;
  for (const c of candidates) {
    const starts = c.eligibleIds.map((id) => absentSince(away.get(id) ?? [], t));
    if (starts.some((s) => s === null)) continue;
    const cycleStart = (c.cycleStartedAt ?? c.startedAt).getTime();
    const at = new Date(Math.max(cycleStart, ...(starts as number[])));
    const closed = closeCycle(calendarOf(c), c, at, "pause");
    await db.insert(clockCycles).values(closed.cycle);
    await db
      .update(clocks)
      .set({
        state: "paused",
        pausedAt: at,
        cycleStartedAt: null,
        consumedSeconds: closed.consumed,
        dueAt: null,
        warnAt: null,
      })
      .where(and(eq(clocks.id, c.id), eq(clocks.state, "running")));
    paused++;
  }
  for (const c of pausedRows) {
    const from = (c.pausedAt ?? c.startedAt).getTime();
    const back = Math.min(...c.eligibleIds.map((id) => presentFrom(away.get(id) ?? [], from)));
    if (back > t) continue;
    const at = new Date(back);
    await db
      .update(clocks)
      .set({ state: "running", pausedAt: null, cycleStartedAt: at, ...deadlines(calendarOf(c), c, at) })
      .where(and(eq(clocks.id, c.id), eq(clocks.state, "paused")));
    resumed++;
  }
  return { paused, resumed };
}

export interface ClockStatus {
  /** Business seconds used so far. */
  elapsedSeconds: number;
  /** Business seconds left (negative once breached). */
  remainingSeconds: number;
  fraction: number;
  status: "on track" | "due soon" | "breached" | "paused" | "answered";
}

/** The state of a clock at `now`: pure arithmetic on its compiled calendar. */
export function clockStatus(
  cal: CompiledCalendar,
  c: Pick<Clock, "state" | "cycleStartedAt" | "consumedSeconds" | "targetSeconds" | "warnFraction">,
  now: number,
): ClockStatus {
  const running =
    c.state === "running" && c.cycleStartedAt ? businessMsBetween(cal, c.cycleStartedAt.getTime(), now) : 0;
  const elapsedSeconds = c.consumedSeconds + Math.max(0, running) / 1000;
  const remainingSeconds = c.targetSeconds - elapsedSeconds;
  const fraction = elapsedSeconds / c.targetSeconds;
  const status =
    c.state === "stopped"
      ? "answered"
      : fraction >= 1
        ? "breached"
        : c.state === "paused"
          ? "paused"
          : fraction >= c.warnFraction
            ? "due soon"
            : "on track";
  return { elapsedSeconds, remainingSeconds, fraction, status };
}

export interface WaitingAsk {
  clockId: string;
  askId: string;
  title: string;
  link: string;
  workType: string;
  medium: string;
  teamId: string;
  dueAt: Date | null;
  startedAt: Date;
  state: Clock["state"];
  status: ClockStatus;
}

/** Open clocks, with their asks and evaluated state, sorted by due time (paused last). */
export async function openClocks(
  db: DbOrTx,
  where: { responderId?: string; teamId?: string },
  now: Date,
  limit = 200,
): Promise<WaitingAsk[]> {
  const rows = await db
    .select({ clock: clocks, title: asks.title, link: asks.link, workType: asks.workType, medium: asks.medium })
    .from(clocks)
    .innerJoin(asks, eq(asks.id, clocks.askId))
    .where(
      and(
        sql`${clocks.state} <> 'stopped'`,
        where.responderId ? eq(clocks.responderId, where.responderId) : undefined,
        where.teamId ? eq(clocks.teamId, where.teamId) : undefined,
      ),
    )
    .orderBy(sql`${clocks.dueAt} asc nulls last`, asc(clocks.startedAt))
    .limit(limit);
  const calendarOf = await calendarsForClocks(
    db,
    rows.map((r) => r.clock),
  );
  return rows.map((r) => ({
    clockId: r.clock.id,
    askId: r.clock.askId,
    title: r.title,
    link: r.link,
    workType: r.workType,
    medium: r.medium,
    teamId: r.clock.teamId,
    dueAt: r.clock.dueAt,
    startedAt: r.clock.startedAt,
    state: r.clock.state,
    status: clockStatus(calendarOf(r.clock), r.clock, now.getTime()),
  }));
}

/** Clocks past due (for the board's "breached" count); an indexed range query. */
export async function overdueCount(db: DbOrTx, teamId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(clocks)
    .where(and(eq(clocks.teamId, teamId), eq(clocks.state, "running"), lte(clocks.dueAt, now)));
  return row?.n ?? 0;
}

/** "3 h 20 min" of business time. */
export function formatDuration(seconds: number): string {
  const abs = Math.abs(Math.round(seconds / 60));
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  const text = h ? (m ? `${h} h ${m} min` : `${h} h`) : `${m} min`;
  return seconds < 0 ? `${text} over` : text;
}
