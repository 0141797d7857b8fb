import { z } from "zod";
import type { PluginSetup } from "../../server/plugin-api.ts";
import { readableTeam, visibleTeams } from "./access.ts";
import { feedPage } from "./feed.ts";
import { searchUpdates } from "./search.ts";
import type { StatusSettings } from "./settings.ts";

const feedOutput = z.object({
  team: z.object({ id: z.uuid(), name: z.string() }),
  hasMore: z.boolean().describe("Whether an older page of periods exists (ask for page + 1)."),
  periods: z.array(
    z.object({
      period: z.string(),
      updates: z.array(
        z.object({
          id: z.uuid(),
          authorId: z.uuid(),
          authorName: z.string(),
          bottomLine: z.string(),
          body: z.string().describe("The whole update as Markdown."),
          hasBlockers: z.boolean(),
          postedAt: z.iso.datetime(),
          onTime: z.boolean(),
          comments: z.number().int(),
          reads: z.number().int(),
        }),
      ),
    }),
  ),
});

const searchOutput = z.object({
  results: z.array(
    z.object({
      kind: z.enum(["update", "comment"]),
      updateId: z.uuid(),
      commentId: z.uuid().nullable(),
      team: z.string(),
      author: z.string(),
      period: z.string(),
      rank: z.number(),
      snippet: z.array(z.object({ text: z.string(), match: z.boolean() })),
    }),
  ),
});

/** Documented reads under /api/status-updates: a team's feed and search across your teams. */
export function statusReads(api: PluginSetup<StatusSettings>): void {
  api.endpoint(
    {
      method: "get",
      path: "/feed",
      scope: "read",
      access: "member",
      summary: "Read a team's feed of posted updates, newest periods first",
      query: z.object({
        team: z.string().optional().describe("The team's id (default: your first team)."),
        page: z.string().optional().describe("0 for the newest periods, then 1, 2 …"),
      }),
      response: feedOutput,
    },
    async ({ query }, s) => {
      const teams = await visibleTeams(s);
      const team = await readableTeam(s, query.team || teams[0]?.id);
      const page = Math.min(Math.max(Number.parseInt(query.page ?? "0", 10) || 0, 0), 1000);
      const feed = await feedPage(s.db, { teamId: team.id }, page, undefined, { bodies: true });
      return {
        team: { id: team.id, name: team.name },
        hasMore: feed.hasMore,
        periods: feed.periods.map((p) => ({
          period: p.key,
          updates: p.items.map((i) => ({
            id: i.id,
            authorId: i.authorId,
            authorName: i.authorName,
            bottomLine: i.bottomLine,
            body: i.body,
            hasBlockers: i.hasBlockers,
            postedAt: i.postedAt.toISOString(),
            onTime: i.postedAt <= i.dueAt,
            comments: i.commentCount,
            reads: i.readCount,
          })),
        })),
      };
    },
  );

  api.endpoint(
    {
      method: "get",
      path: "/search",
      scope: "read",
      access: "member",
      summary: "Search the updates and comments of your teams",
      query: z.object({ q: z.string().default("").describe("Words to search for (the first 200 characters count).") }),
      response: searchOutput,
    },
    async ({ query }, s) => {
      const teams = await visibleTeams(s);
      const hits = await searchUpdates(
        s.db,
        query.q.slice(0, 200),
        teams.map((t) => t.id),
      );
      return {
        results: hits.map((h) => ({
          kind: h.kind,
          updateId: h.updateId,
          commentId: h.commentId,
          team: h.teamName,
          author: h.authorName,
          period: h.period,
          rank: h.rank,
          snippet: h.snippet,
        })),
      };
    },
  );
}
