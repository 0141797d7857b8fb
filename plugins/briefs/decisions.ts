import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { decisionVisibleTo } from "./access.ts";
import type { DecisionRecordedEvent } from "./events.ts";
import { type DecisionKind, decisions } from "./schema.ts";

export type Decision = Omit<typeof decisions.$inferSelect, "search">;

const columns = {
  id: decisions.id,
  kind: decisions.kind,
  briefId: decisions.briefId,
  interviewId: decisions.interviewId,
  title: decisions.title,
  decidedBy: decisions.decidedBy,
  decidedOn: decisions.decidedOn,
  rationale: decisions.rationale,
  links: decisions.links,
  recordedById: decisions.recordedById,
  createdAt: decisions.createdAt,
};

export async function recordDecision(
  db: DbOrTx,
  input: {
    kind: DecisionKind;
    briefId?: string | null;
    interviewId?: string | null;
    title: string;
    decidedBy: string;
    decidedOn: string;
    rationale: string;
    links?: string;
    recordedById: string;
    at: Date;
  },
): Promise<Decision> {
  const { at, ...values } = input;
  const [row] = await db
    .insert(decisions)
    .values({ ...values, links: values.links ?? "", createdAt: at })
    .returning(columns);
  return row as Decision;
}

/**
 * The `decision.recorded` event for subscribers outside the plugin. A hiring decision's title
 * names the role and the outcome, so it carries only ids and its link (readable by its panel).
 */
export function decisionRecorded(decision: Decision, teamId: string): DecisionRecordedEvent {
  return {
    decisionId: decision.id,
    kind: decision.kind,
    teamId,
    title: decision.kind === "hiring" ? null : decision.title,
    decidedOn: decision.decidedOn,
    recordedById: decision.recordedById,
    link: `/briefs/decisions/${decision.id}`,
  };
}

/**
 * The decisions log as `viewerId` may see it, newest first; with `query`, only entries matching
 * it, best match first. `websearch_to_tsquery` reads any text people type (quotes, `-`, `or`)
 * without syntax errors.
 */
export async function searchDecisions(
  db: DbOrTx,
  viewerId: string,
  options: { query?: string; limit?: number } = {},
): Promise<Decision[]> {
  const query = options.query?.trim() ?? "";
  const visible = decisionVisibleTo(viewerId);
  if (!query) {
    return db
      .select(columns)
      .from(decisions)
      .where(visible)
      .orderBy(desc(decisions.decidedOn), desc(decisions.createdAt))
      .limit(options.limit ?? 100);
  }
  const tsquery = sql`websearch_to_tsquery('english'::regconfig, ${query})`;
  return db
    .select(columns)
    .from(decisions)
    .where(and(visible, sql`${decisions.search} @@ ${tsquery}`) as SQL)
    .orderBy(desc(sql`ts_rank(${decisions.search}, ${tsquery})`), desc(decisions.decidedOn))
    .limit(options.limit ?? 100);
}

/** One entry of the log, if `viewerId` may see it. */
export async function findDecision(db: DbOrTx, viewerId: string, id: string): Promise<Decision | null> {
  const [row] = await db
    .select(columns)
    .from(decisions)
    .where(and(eq(decisions.id, id), decisionVisibleTo(viewerId)));
  return row ?? null;
}

/** Whether an entry exists at all (to tell 403 from 404). */
export async function decisionExists(db: DbOrTx, id: string): Promise<boolean> {
  const [row] = await db.select({ id: decisions.id }).from(decisions).where(eq(decisions.id, id));
  return Boolean(row);
}

export async function decisionForBrief(db: DbOrTx, briefId: string): Promise<{ id: string } | null> {
  const [row] = await db.select({ id: decisions.id }).from(decisions).where(eq(decisions.briefId, briefId));
  return row ?? null;
}

/** The links of an entry, one per line, kept only when they are portal paths or http(s) URLs. */
export function linksOf(links: string): string[] {
  return links
    .split(/\s*\n\s*/)
    .map((l) => l.trim())
    .filter((l) => /^\/[^/]/.test(l) || /^https?:\/\/\S+$/i.test(l));
}
