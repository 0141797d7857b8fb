import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../server/plugin-api.ts";
import { decisionVisibleTo } from "./access.ts";
import type { DecisionRecordedEvent } from "./events.ts";
import { isCalendarDate } from "./local-time.ts";
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

/** A decision someone records by hand (the decisions log's form, and the API). */
export const decisionForm = z.object({
  title: z.string().trim().min(1, "Say what was decided.").max(300, "Keep it under 300 characters."),
  decidedBy: z.string().trim().min(1, "Say who decided.").max(300, "Keep it under 300 characters."),
  decidedOn: z.string().trim().refine(isCalendarDate, "Enter a date like 2026-03-02."),
  rationale: z.string().trim().min(1, "Say why.").max(10_000, "Keep it under 10,000 characters."),
  links: z
    .string()
    .max(3000, "Keep the links under 3,000 characters.")
    .default("")
    .refine(
      (v) => v.split(/\s*\n\s*/).every((l) => !l.trim() || linksOf(l).length === 1),
      "Give one link per line: a portal path like /briefs/… or an http(s) URL.",
    ),
});

/** Records a decision entered by hand; its links are kept one per line. */
export async function recordManualDecision(
  db: DbOrTx,
  entry: z.output<typeof decisionForm>,
  recordedById: string,
  at: Date,
): Promise<Decision> {
  return recordDecision(db, { kind: "manual", ...entry, links: linksOf(entry.links).join("\n"), recordedById, at });
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
