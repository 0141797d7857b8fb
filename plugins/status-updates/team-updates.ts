import { and, eq, sql } from "drizzle-orm";
import {
  type DbOrTx,
  people,
  type TeamBottomLine,
  type TeamUpdatePeriod,
  type TeamUpdatesProvider,
  teams,
} from "../../server/plugin-api.ts";
import { checkinOf } from "./checkins.ts";
import { askedCount } from "./feed.ts";
import { periodAt, periodLabel } from "./period.ts";
import { updates } from "./schema.ts";
import { updateFor } from "./updates.ts";

const base = "/status-updates";

/** The "status.team-updates" hook: what core's chat posts and commands read about written updates. */
export function teamUpdatesProvider(db: DbOrTx): TeamUpdatesProvider {
  async function periodOf(teamId: string, at: Date): Promise<TeamUpdatePeriod | null> {
    const [team] = await db.select({ id: teams.id, timeZone: teams.timeZone }).from(teams).where(eq(teams.id, teamId));
    if (!team) return null;
    const checkin = await checkinOf(db, team);
    const period = periodAt(checkin, at);
    const [expected, [written]] = await Promise.all([
      askedCount(db, team.id, checkin.excludedIds),
      db
        .select({ n: sql<number>`count(*)::int` })
        .from(updates)
        .where(and(eq(updates.teamId, team.id), eq(updates.period, period.key), eq(updates.status, "posted"))),
    ]);
    return {
      ...period,
      label: periodLabel(period.key),
      expected,
      written: written?.n ?? 0,
      writeLink: `${base}/write?team=${team.id}`,
      feedLink: `${base}?team=${team.id}`,
    };
  }

  return {
    periodAt: periodOf,

    async bottomLines(teamId, periodKey): Promise<TeamBottomLine[]> {
      const rows = await db
        .select({ id: updates.id, authorName: people.name, bottomLine: updates.bottomLine })
        .from(updates)
        .innerJoin(people, eq(people.id, updates.authorId))
        .where(and(eq(updates.teamId, teamId), eq(updates.period, periodKey), eq(updates.status, "posted")))
        .orderBy(people.name)
        .limit(200);
      return rows.map((r) => ({
        updateId: r.id,
        authorName: r.authorName,
        bottomLine: r.bottomLine,
        link: `${base}/updates/${r.id}`,
      }));
    },

    async personStatus(teamId, personId, at) {
      const period = await periodOf(teamId, at);
      if (!period) return null;
      const update = await updateFor(db, teamId, personId, period.key);
      if (update?.status === "posted") return { period, state: "posted", link: `${base}/updates/${update.id}` };
      return { period, state: update ? "draft" : "missing", link: period.writeLink };
    },
  };
}
