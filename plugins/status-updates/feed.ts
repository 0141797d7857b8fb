import { and, desc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { type DbOrTx, people, teamMembers } from "../../server/plugin-api.ts";
import { acknowledgements, comments, updates } from "./schema.ts";

export interface FeedFilter {
  teamId: string;
  authorId?: string | undefined;
  period?: string | undefined;
}

export interface FeedItem {
  id: string;
  period: string;
  authorId: string;
  authorName: string;
  body: string;
  /** Sanitized HTML of `body`, rendered when the update was written ("" for very old rows). */
  bodyHtml: string;
  bottomLine: string;
  hasBlockers: boolean;
  postedAt: Date;
  dueAt: Date;
  updatedAt: Date;
  commentCount: number;
  readCount: number;
}

function feedWhere(f: FeedFilter) {
  return and(
    eq(updates.teamId, f.teamId),
    eq(updates.status, "posted"),
    f.authorId ? eq(updates.authorId, f.authorId) : undefined,
    f.period ? eq(updates.period, f.period) : undefined,
  );
}

/**
 * One page of the team feed: up to `periodsPerPage` periods, newest first, with their posted
 * updates. Two queries whatever the page size: the periods, then their updates with counts.
 */
export async function feedPage(
  db: DbOrTx,
  f: FeedFilter,
  page: number,
  periodsPerPage = 4,
): Promise<{ periods: { key: string; items: FeedItem[] }[]; hasMore: boolean }> {
  const keys = await db
    .selectDistinct({ period: updates.period })
    .from(updates)
    .where(feedWhere(f))
    .orderBy(desc(updates.period))
    .limit(periodsPerPage + 1)
    .offset(page * periodsPerPage);
  const hasMore = keys.length > periodsPerPage;
  const shown = keys.slice(0, periodsPerPage).map((k) => k.period);
  if (!shown.length) return { periods: [], hasMore: false };
  const rows = await db
    .select({
      id: updates.id,
      period: updates.period,
      authorId: updates.authorId,
      authorName: people.name,
      body: updates.body,
      bodyHtml: updates.bodyHtml,
      bottomLine: updates.bottomLine,
      hasBlockers: updates.hasBlockers,
      postedAt: sql<Date>`${updates.postedAt}`.mapWith(updates.postedAt),
      dueAt: updates.dueAt,
      updatedAt: updates.updatedAt,
      commentCount: sql<number>`(select count(*)::int from ${comments} c where c.update_id = ${updates.id})`,
      readCount: sql<number>`(select count(*)::int from ${acknowledgements} a where a.update_id = ${updates.id})`,
    })
    .from(updates)
    .innerJoin(people, eq(people.id, updates.authorId))
    .where(and(feedWhere(f), inArray(updates.period, shown)))
    .orderBy(desc(updates.period), desc(updates.postedAt));
  return {
    periods: shown.map((key) => ({ key, items: rows.filter((r) => r.period === key) })),
    hasMore,
  };
}

/** Active team members who are asked for an update (not excluded) and have not posted for `period`. */
export async function missingFor(
  db: DbOrTx,
  teamId: string,
  period: string,
  excludedIds: string[],
): Promise<{ id: string; name: string; timeZone: string }[]> {
  return db
    .select({ id: people.id, name: people.name, timeZone: people.timeZone })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(
      and(
        eq(teamMembers.teamId, teamId),
        eq(people.status, "active"),
        excludedIds.length ? notInArray(people.id, excludedIds) : undefined,
        sql`not exists (select 1 from ${updates} u where u.team_id = ${teamId} and u.author_id = ${people.id} and u.period = ${period} and u.status = 'posted')`,
      ),
    )
    .orderBy(people.name);
}

/** How many active members of the team are asked for updates. */
export async function askedCount(db: DbOrTx, teamId: string, excludedIds: string[]): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(teamMembers)
    .innerJoin(people, eq(people.id, teamMembers.personId))
    .where(
      and(
        eq(teamMembers.teamId, teamId),
        eq(people.status, "active"),
        excludedIds.length ? notInArray(people.id, excludedIds) : undefined,
      ),
    );
  return row?.n ?? 0;
}

export interface PeriodStats {
  period: string;
  posted: number;
  onTime: number;
  blockers: number;
}

/** Posted, on-time and with-blockers counts per period, aggregated in the database. */
export async function periodStats(db: DbOrTx, teamId: string, periods: string[]): Promise<PeriodStats[]> {
  if (!periods.length) return [];
  const rows = await db
    .select({
      period: updates.period,
      posted: sql<number>`count(*)::int`,
      onTime: sql<number>`(count(*) filter (where ${updates.postedAt} <= ${updates.dueAt}))::int`,
      blockers: sql<number>`(count(*) filter (where ${updates.hasBlockers}))::int`,
    })
    .from(updates)
    .where(and(eq(updates.teamId, teamId), eq(updates.status, "posted"), inArray(updates.period, periods)))
    .groupBy(updates.period);
  return periods.map(
    (period) => rows.find((r) => r.period === period) ?? { period, posted: 0, onTime: 0, blockers: 0 },
  );
}

/** Bottom lines of a team's updates posted in [start, end). */
export async function bottomLinesBetween(
  db: DbOrTx,
  teamIds: string[],
  start: Date,
  end: Date,
): Promise<{ id: string; teamId: string; authorName: string; bottomLine: string }[]> {
  if (!teamIds.length) return [];
  return db
    .select({ id: updates.id, teamId: updates.teamId, authorName: people.name, bottomLine: updates.bottomLine })
    .from(updates)
    .innerJoin(people, eq(people.id, updates.authorId))
    .where(
      and(
        inArray(updates.teamId, teamIds),
        eq(updates.status, "posted"),
        sql`${updates.postedAt} >= ${start.toISOString()}::timestamptz`,
        sql`${updates.postedAt} < ${end.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(updates.teamId, people.name)
    .limit(200);
}
