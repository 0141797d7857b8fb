import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { type DbOrTx, people, teams } from "../../server/plugin-api.ts";
import { comments, updates } from "./schema.ts";

// Markers ts_headline puts around matches. Control characters never survive input (see
// `cleanText`), so after escaping the snippet these are the only places a <mark> goes.
const START = "\u0002";
const STOP = "\u0003";
const headlineOptions = `StartSel=${START}, StopSel=${STOP}, MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter=" … "`;

/** Strips control characters (except tab and newlines) from user text. */
export function cleanText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

export interface SnippetPart {
  text: string;
  match: boolean;
}

export interface SearchHit {
  kind: "update" | "comment";
  updateId: string;
  commentId: string | null;
  teamName: string;
  authorName: string;
  period: string;
  at: Date;
  rank: number;
  snippet: SnippetPart[];
}

/** Splits a ts_headline result into plain text and matched parts (rendered escaped by JSX). */
export function snippetParts(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const re = new RegExp(`${START}([^${STOP}]*)${STOP}`, "g");
  let last = 0;
  const plain = (t: string): string =>
    t
      .replace(/^#{1,6} /gm, "")
      .split(START)
      .join("")
      .split(STOP)
      .join("");
  for (const m of headline.matchAll(re)) {
    if ((m.index ?? 0) > last) parts.push({ text: plain(headline.slice(last, m.index)), match: false });
    parts.push({ text: plain(m[1] as string), match: true });
    last = (m.index ?? 0) + m[0].length;
  }
  if (last < headline.length) parts.push({ text: plain(headline.slice(last)), match: false });
  return parts.filter((p) => p.text !== "");
}

/**
 * Full-text search over posted updates and their comments in the given teams, best match first.
 * The query goes through `websearch_to_tsquery`, so quotes, `-`, `or`, `&`, `|`, `!`, `:` and
 * SQL syntax are just text; a query with no searchable words finds nothing.
 */
export async function searchUpdates(db: DbOrTx, query: string, teamIds: string[], limit = 20): Promise<SearchHit[]> {
  const q = cleanText(query).trim().slice(0, 200);
  if (!q || !teamIds.length) return [];
  const tsq = sql`websearch_to_tsquery('english', ${q})`;
  const updateRank = sql<number>`ts_rank(${updates.search}, ${tsq})`;
  const commentRank = sql<number>`ts_rank(${comments.search}, ${tsq})`;
  const [updateHits, commentHits] = await Promise.all([
    db
      .select({
        updateId: updates.id,
        teamName: teams.name,
        authorName: people.name,
        period: updates.period,
        at: updates.updatedAt,
        rank: updateRank,
        headline: sql<string>`ts_headline('english', ${updates.body}, ${tsq}, ${headlineOptions})`,
      })
      .from(updates)
      .innerJoin(people, eq(people.id, updates.authorId))
      .innerJoin(teams, eq(teams.id, updates.teamId))
      .where(and(inArray(updates.teamId, teamIds), eq(updates.status, "posted"), sql`${updates.search} @@ ${tsq}`))
      .orderBy(desc(updateRank), desc(updates.updatedAt))
      .limit(limit),
    db
      .select({
        updateId: updates.id,
        commentId: comments.id,
        teamName: teams.name,
        authorName: people.name,
        period: updates.period,
        at: comments.createdAt,
        rank: commentRank,
        headline: sql<string>`ts_headline('english', ${comments.body}, ${tsq}, ${headlineOptions})`,
      })
      .from(comments)
      .innerJoin(updates, eq(updates.id, comments.updateId))
      .innerJoin(people, eq(people.id, comments.authorId))
      .innerJoin(teams, eq(teams.id, updates.teamId))
      .where(and(inArray(updates.teamId, teamIds), eq(updates.status, "posted"), sql`${comments.search} @@ ${tsq}`))
      .orderBy(desc(commentRank), desc(comments.createdAt))
      .limit(limit),
  ]);
  const hit = (h: (typeof updateHits)[number] & { commentId: string | null }, kind: SearchHit["kind"]): SearchHit => ({
    kind,
    updateId: h.updateId,
    commentId: h.commentId,
    teamName: h.teamName,
    authorName: h.authorName,
    period: h.period,
    at: h.at,
    rank: Number(h.rank),
    snippet: snippetParts(h.headline),
  });
  return [
    ...updateHits.map((h) => hit({ ...h, commentId: null }, "update")),
    ...commentHits.map((h) => hit(h, "comment")),
  ]
    .sort((a, b) => b.rank - a.rank || b.at.getTime() - a.at.getTime())
    .slice(0, limit);
}
