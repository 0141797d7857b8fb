import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { formatInstant } from "../../../views/format.ts";
import type { Routes } from "../../http/access.ts";
import type { AppEnv } from "../../http/env.ts";
import { people, teamMembers, teams } from "../../people/schema.ts";
import { slashTokenHash, slashTokenOwner } from "./connections.ts";
import { lowerFirst } from "./payloads.ts";

/** Where Mattermost posts the `/desktrust` slash command. CSRF-exempt: the command's token is the credential. */
export const MATTERMOST_COMMAND_PATH = "/integrations/mattermost/command";

const usage = "Try `/desktrust update`: where your update for this week stands, with its link.";

/** An ephemeral answer: only the person who typed the command sees it. */
function answer(c: Context<AppEnv>, text: string, status: 200 | 400 | 401 = 200): Response {
  return c.json({ response_type: "ephemeral", text }, status);
}

/**
 * `/desktrust update` from Mattermost (https://developers.mattermost.com/integrate/slash-commands/custom/):
 * a form post carrying the command's token, verified against the hashed token of one of a team's
 * Mattermost channels. The Mattermost user is matched to a member of that team by user name =
 * the part of their email before the @.
 */
export function mattermostCommandRoutes(r: Routes): void {
  r.post(MATTERMOST_COMMAND_PATH, "token", async (c) => {
    const ctx = c.get("app");
    const type = c.req.header("Content-Type") ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded"))
      return answer(c, "Expected a Mattermost slash command (a form post).", 400);
    const form = await c.req.parseBody().catch(() => null);
    const field = (name: string): string => (typeof form?.[name] === "string" ? (form[name] as string).trim() : "");
    const header = c.req.header("Authorization") ?? "";
    const token = field("token") || (header.startsWith("Token ") ? header.slice(6).trim() : "");
    const owner = token ? await slashTokenOwner(ctx.db, slashTokenHash(token)) : null;
    if (!owner?.enabled) return answer(c, "DeskTrust does not recognise this slash command's token.", 401);

    const words = field("text").toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length && !["update", "status"].includes(words[0] ?? "")) return answer(c, usage);

    const [team] = await ctx.db
      .select({ name: teams.name, timeZone: teams.timeZone })
      .from(teams)
      .where(eq(teams.id, owner.teamId));
    const userName = field("user_name").replace(/^@/, "").toLowerCase();
    const [person] = userName
      ? await ctx.db
          .select({ id: people.id, timeZone: people.timeZone })
          .from(people)
          .innerJoin(teamMembers, eq(teamMembers.personId, people.id))
          .where(
            and(
              eq(teamMembers.teamId, owner.teamId),
              eq(people.status, "active"),
              sql`lower(split_part(${people.email}, '@', 1)) = ${userName}`,
            ),
          )
      : [];
    const provider = ctx.plugins.activeProvider("status.team-updates");
    if (!provider) return answer(c, "Written updates are turned off in DeskTrust.");
    const base = ctx.config.baseUrl;
    const now = ctx.clock.now();
    if (!person) {
      const period = await provider.periodAt(owner.teamId, now);
      return answer(
        c,
        `No member of ${team?.name ?? "this team"} in DeskTrust has the user name @${userName || "?"} (the part of their email before the @).${
          period ? ` Write your update here: ${base}${period.writeLink}` : ""
        }`,
      );
    }
    const status = await provider.personStatus(owner.teamId, person.id, now);
    if (!status) return answer(c, usage);
    const due = formatInstant(status.period.dueAt, person.timeZone);
    const progress = `${status.period.written} of ${status.period.expected} on ${team?.name ?? "the team"} have written theirs.`;
    const line =
      status.state === "posted"
        ? `You posted your update for the ${lowerFirst(status.period.label)}: ${base}${status.link}`
        : status.state === "draft"
          ? `Your draft for the ${lowerFirst(status.period.label)} is waiting (due ${due}): ${base}${status.link}`
          : `You have not written your update for the ${lowerFirst(status.period.label)} yet (due ${due}): ${base}${status.link}`;
    return answer(c, `${line}\n${progress}`);
  });
}
