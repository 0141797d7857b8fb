import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { type DbOrTx, people, rowsOf, teamMembers } from "../../server/plugin-api.ts";
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
  /** Markdown source; "" unless the page was asked for bodies. */
  body: string;
  /** Sanitized HTML of `body`, rendered when the update was written; "" unless asked for bodies. */
  bodyHtml: string;
  bottomLine: string;
  hasBlockers: boolean;
  postedAt: Date;
  dueAt: Date;
  updatedAt: Date;
  commentCount: number;
  readCount: number;
}

/** Periods shown per feed page: one or two weeks of a 50-person team stay a readable page. */
export const PERIODS_PER_PAGE = 2;

interface FeedRow {
  id: string;
  period: string;
  author_id: string;
  author_name: string;
  body: string;
  body_html: string;
  bottom_line: string;
  has_blockers: boolean;
  posted_at: string | Date;
  due_at: string | Date;
  updated_at: string | Date;
  comment_count: number;
  read_count: number;
  has_more: boolean;
}

const instantOf = (v: string | Date): Date => (v instanceof Date ? v : new Date(v));

/**
 * One page of the team feed: up to `periodsPerPage` periods, newest first, with their posted
 * updates and comment/read counts. One round trip whatever the page size: the page's periods,
 * their updates, and the counts aggregated once per table (GROUP BY), not per row.
 */
export async function feedPage(
  db: DbOrTx,
  f: FeedFilter,
  page: number,
  periodsPerPage = PERIODS_PER_PAGE,
  opts: { bodies?: boolean } = {},
): Promise<{ periods: { key: string; items: FeedItem[] }[]; hasMore: boolean }> {
  const author = f.authorId ? sql`and u.author_id = ${f.authorId}::uuid` : sql``;
  // The feed page shows bottom lines and loads a whole update on demand: bodies (the bulk of the
  // bytes) travel only when asked for.
  const bodies = opts.bodies ? sql`u.body, u.body_html` : sql`'' as body, '' as body_html`;
  const onePeriod = f.period ? sql`and u.period = ${f.period}` : sql``;
  const result = await db.execute(sql`
    with keys as (
      select distinct u.period from ${updates} u
      where u.team_id = ${f.teamId}::uuid and u.status = 'posted' ${author} ${onePeriod}
      order by u.period desc limit ${periodsPerPage + 1} offset ${page * periodsPerPage}
    ),
    shown as (select period from keys order by period desc limit ${periodsPerPage}),
    page as (
      select u.id, u.period, u.author_id, ${bodies}, u.bottom_line, u.has_blockers,
             u.posted_at, u.due_at, u.updated_at
      from ${updates} u join shown on shown.period = u.period
      where u.team_id = ${f.teamId}::uuid and u.status = 'posted' ${author}
    ),
    c as (select update_id, count(*)::int n from ${comments} where update_id in (select id from page) group by update_id),
    a as (select update_id, count(*)::int n from ${acknowledgements} where update_id in (select id from page) group by update_id)
    select page.*, p.name as author_name, coalesce(c.n, 0) as comment_count, coalesce(a.n, 0) as read_count,
           (select count(*) from keys) > ${periodsPerPage} as has_more
    from page
    join ${people} p on p.id = page.author_id
    left join c on c.update_id = page.id
    left join a on a.update_id = page.id
    order by page.period desc, page.posted_at desc`);
  const rows = rowsOf<FeedRow>(result);
  const periods: { key: string; items: FeedItem[] }[] = [];
  for (const r of rows) {
    const item: FeedItem = {
      id: r.id,
      period: r.period,
      authorId: r.author_id,
      authorName: r.author_name,
      body: r.body,
      bodyHtml: r.body_html ?? "",
      bottomLine: r.bottom_line,
      hasBlockers: r.has_blockers,
      postedAt: instantOf(r.posted_at),
      dueAt: instantOf(r.due_at),
      updatedAt: instantOf(r.updated_at),
      commentCount: Number(r.comment_count),
      readCount: Number(r.read_count),
    };
    const last = periods[periods.length - 1];
    if (last?.key === r.period) last.items.push(item);
    else periods.push({ key: r.period, items: [item] });
  }
  return { periods, hasMore: rows[0]?.has_more === true };
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
