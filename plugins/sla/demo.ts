import type { DbOrTx, DemoOrg, PluginServices } from "../../server/plugin-api.ts";
import { businessMsBetween, dueMs } from "./business-time.ts";
import { calendarForBasis, calendarSpecs } from "./calendars.ts";
import { deadlines } from "./clocks.ts";
import { asks, clockCycles, clocks } from "./schema.ts";
import type { SlaSettings } from "./settings.ts";

const titles = [
  "Ask: approve the Q3 hiring plan",
  "Review request: retry logic for the payments webhook",
  "Ask: which analytics vendor should we renew?",
  "Review request: onboarding guide, second draft",
  "Ask: can we move the release to Thursday?",
  "Review request: database index for the search page",
  "Ask: feedback on the support rota proposal",
];

/** `demo.weeks` of asks per demo team: most answered within target, some late, a few still open and breached. */
export async function demoClocks(tx: DbOrTx, demo: DemoOrg, s: PluginServices<SlaSettings>): Promise<void> {
  const { warnFraction } = await s.settings();
  const specs = await calendarSpecs(
    tx,
    demo.teams.map((t) => t.id),
  );
  let seed = 7;
  const random = (): number => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const now = demo.now.getTime();
  for (const team of demo.teams) {
    if (team.memberIds.length < 2) continue;
    const cal = calendarForBasis("business", specs.get(team.id));
    const askRows: (typeof asks.$inferInsert)[] = [];
    const clockRows: (typeof clocks.$inferInsert & { id: string })[] = [];
    const cycleRows: (typeof clockCycles.$inferInsert)[] = [];
    // About 40 asks a team per twelve weeks of history.
    const askCount = Math.round((40 * demo.weeks) / 12);
    for (let i = 0; i < askCount; i++) {
      const id = crypto.randomUUID();
      const asker = team.memberIds[i % team.memberIds.length] as string;
      const responder = team.memberIds[
        (i + 1 + Math.floor(random() * (team.memberIds.length - 1))) % team.memberIds.length
      ] as string;
      if (asker === responder) continue;
      const startedAt = new Date(now - Math.floor(random() * demo.weeks * 7 * 86_400_000));
      const review = i % 3 === 0;
      const targetSeconds = 24 * 3600;
      askRows.push({
        id,
        source: review ? "webhook" : "status-updates",
        sourceRef: `demo-${team.id.slice(0, 8)}-${i}`,
        teamId: team.id,
        askerId: asker,
        workType: review ? "review request" : "question",
        medium: "portal",
        title: titles[i % titles.length] as string,
        link: review ? `https://git.example.com/pulls/${100 + i}` : "/sla",
        createdAt: startedAt,
      });
      const clockId = crypto.randomUUID();
      const base = { targetSeconds, warnFraction, consumedSeconds: 0 };
      // Most answers come within a day of business time; about one in six is late.
      const answerAfter = (random() < 0.83 ? 0.1 + random() * 0.8 : 1.1 + random() * 1.5) * targetSeconds * 1000;
      const answeredAt = dueMs(cal, startedAt.getTime(), answerAfter);
      const open = answeredAt === null || answeredAt > now;
      if (open) {
        clockRows.push({
          id: clockId,
          askId: id,
          teamId: team.id,
          responderId: responder,
          eligibleIds: [responder],
          charterVersionId: null,
          basis: "business",
          ...base,
          state: "running",
          startedAt,
          cycleStartedAt: startedAt,
          ...deadlines(cal, base, startedAt),
        });
      } else {
        const elapsed = Math.round(businessMsBetween(cal, startedAt.getTime(), answeredAt) / 1000);
        clockRows.push({
          id: clockId,
          askId: id,
          teamId: team.id,
          responderId: responder,
          eligibleIds: [responder],
          charterVersionId: null,
          basis: "business",
          ...base,
          consumedSeconds: elapsed,
          state: "stopped",
          startedAt,
          stoppedAt: new Date(answeredAt),
          respondedById: responder,
          elapsedSeconds: elapsed,
          withinTarget: elapsed <= targetSeconds,
        });
        cycleRows.push({
          clockId,
          startedAt,
          stoppedAt: new Date(answeredAt),
          businessSeconds: elapsed,
          withinTarget: elapsed <= targetSeconds,
          endedBy: "response",
        });
      }
    }
    if (askRows.length) await tx.insert(asks).values(askRows);
    if (clockRows.length) await tx.insert(clocks).values(clockRows);
    if (cycleRows.length) await tx.insert(clockCycles).values(cycleRows);
  }
}
