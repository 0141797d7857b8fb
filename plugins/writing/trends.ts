import { asc, eq, type SQL, sql } from "drizzle-orm";
import { type DbOrTx, rowsOf } from "../../server/plugin-api.ts";
import { teamMonths, updateMeasures } from "./schema.ts";

/** One month of a writer's (or a team's) updates, as shares and averages. */
export interface TrendMonth {
  /** "2026-03". */
  month: string;
  updates: number;
  /** Distinct writers (team trends are released only at or above the minimum). */
  writers: number;
  /** Share (0–1) of updates with the bottom line in the first paragraph. */
  blufShare: number;
  /** Updates with an ask, and the share of those addressed to someone with a deadline. */
  asks: number;
  askAddressedShare: number | null;
  /** Words per sentence over all the month's updates. */
  sentenceLength: number;
  /** Mean Flesch–Kincaid grade. */
  grade: number;
  /** Share of updates that drew a clarification question from someone else. */
  clarifiedShare: number;
}

interface Row {
  month: string;
  updates: number;
  writers: number;
  bluf: number;
  asks: number;
  asks_ok: number;
  words: number;
  sentences: number;
  grade: number;
  clarified: number;
}

/** Monthly trend rows, aggregated in the database over `where`, months in `timeZone`. */
async function monthly(db: DbOrTx, where: SQL, timeZone: string, since: Date): Promise<TrendMonth[]> {
  const m = updateMeasures;
  const rows = rowsOf<Row>(
    await db.execute(sql`
      select to_char(date_trunc('month', ${m.postedAt} at time zone ${timeZone}), 'YYYY-MM') as month,
        count(*)::int as updates,
        count(distinct ${m.authorId})::int as writers,
        count(*) filter (where ${m.blufFirst})::int as bluf,
        count(*) filter (where ${m.hasAsk})::int as asks,
        count(*) filter (where ${m.askAddressedDated})::int as asks_ok,
        sum(${m.words})::int as words,
        sum(${m.sentences})::int as sentences,
        avg(${m.grade})::float8 as grade,
        count(*) filter (where ${m.clarified})::int as clarified
      from ${m}
      where ${where} and ${m.postedAt} >= ${since.toISOString()}::timestamptz
      group by 1
      order by 1`),
  );
  const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
  return rows.map((r) => ({
    month: r.month,
    updates: r.updates,
    writers: r.writers,
    blufShare: round(r.bluf / r.updates, 3),
    asks: r.asks,
    askAddressedShare: r.asks ? round(r.asks_ok / r.asks, 3) : null,
    sentenceLength: r.sentences ? round(r.words / r.sentences, 1) : 0,
    grade: round(Number(r.grade), 1),
    clarifiedShare: round(r.clarified / r.updates, 3),
  }));
}

/** The writer's own trend, month by month, over the last year. Only ever shown to the writer. */
export function writerTrend(db: DbOrTx, authorId: string, timeZone: string, since: Date): Promise<TrendMonth[]> {
  return monthly(db, sql`${updateMeasures.authorId} = ${authorId}`, timeZone, since);
}

/** The first instant of the month after `month` ("2026-03") in `timeZone`. */
function monthAfter(month: string, timeZone: string): Date {
  const next = Temporal.PlainYearMonth.from(month).add({ months: 1 }).toPlainDate({ day: 1 });
  return new Date(next.toZonedDateTime({ timeZone }).epochMilliseconds);
}

/**
 * A team's trend: aggregates only, for closed months (before `closedBefore`) in which at least
 * `minWriters` (never below 5) different people wrote; other months are counted as left out,
 * never shown. A closed month is computed once and frozen (`team_months`), so the figures never
 * move under a reader and later views read a dozen rows instead of a year of updates. No person
 * id or name leaves this function.
 */
export async function teamTrend(
  db: DbOrTx,
  teamId: string,
  timeZone: string,
  since: Date,
  closedBefore: Date,
  minWriters: number,
  now: Date,
): Promise<{ released: TrendMonth[]; suppressed: number }> {
  const frozen = await db.select().from(teamMonths).where(eq(teamMonths.teamId, teamId)).orderBy(asc(teamMonths.month));
  const latest = frozen.at(-1)?.month;
  const from = latest ? new Date(Math.max(since.getTime(), monthAfter(latest, timeZone).getTime())) : since;
  if (from < closedBefore) {
    const fresh = await monthly(
      db,
      sql`${updateMeasures.teamId} = ${teamId} and ${updateMeasures.postedAt} < ${closedBefore.toISOString()}::timestamptz`,
      timeZone,
      from,
    );
    if (fresh.length) {
      const rows = fresh.map(({ month, writers, ...figures }) => ({ teamId, month, writers, figures, frozenAt: now }));
      await db.insert(teamMonths).values(rows).onConflictDoNothing();
      frozen.push(...rows);
    }
  }
  const sinceMonth = Temporal.Instant.fromEpochMilliseconds(since.getTime())
    .toZonedDateTimeISO(timeZone)
    .toPlainDate()
    .toPlainYearMonth()
    .toString();
  const inWindow = frozen.filter((m) => m.month >= sinceMonth);
  const released = inWindow
    .filter((m) => m.writers >= Math.max(5, minWriters))
    .map((m) => ({
      ...(m.figures as unknown as Omit<TrendMonth, "month" | "writers">),
      month: m.month,
      writers: m.writers,
    }));
  return { released, suppressed: inWindow.length - released.length };
}
