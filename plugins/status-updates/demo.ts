import type { DbOrTx, DemoOrg, PluginServices } from "../../server/plugin-api.ts";
import { handleOf, pacer } from "../../server/plugin-api.ts";
import { defaultQuestions } from "./checkins.ts";
import { recentPeriods } from "./period.ts";
import { acknowledgements, askAddressees, asks, comments, updates } from "./schema.ts";
import type { StatusSettings } from "./settings.ts";
import { compose, storedColumns } from "./updates.ts";

// Varied quality on purpose: most lead with the bottom line, some bury it, some asks name nobody.
const bottomLines = [
  "The billing migration is on track for the end of the month.",
  "Search v2 shipped to all customers on Tuesday.",
  "We are blocked on the vendor contract; launch slips a week unless legal signs by Thursday.",
  "Onboarding flow is done; conversion is up 4% in the first three days.",
  "The flaky CI jobs are fixed and build times dropped from 14 to 9 minutes.",
  "Hi all, this week was mostly spent looking into various things around the API and talking to a few people about the roadmap for the next quarter.",
  "The mobile release is at risk: the crash rate on Android 14 is still above target.",
  "Hiring: two offers accepted, one role still open.",
];
const progress = [
  "- Migrated 40 of 52 accounts\n- Wrote the rollback runbook",
  "- Reviewed six pull requests\n- Paired with Sam on the caching layer",
  "- Finished the design review\n- Updated the [runbook](https://example.com/runbook)",
  "Most of the week went into the incident follow-ups which were reviewed by the team and then were discussed at length.",
  "- Cut the dashboard load time in half\n- Closed 11 support tickets",
];
const risks = ["None.", "None.", "The vendor has not replied for a week.", "Two people are out next week.", "None."];
const askTemplates = [
  (h: string) => `@${h} can you approve the rollout plan by Thursday?`,
  (h: string) => `@${h} please review the API change before Friday's release.`,
  () => "Could someone look at the budget numbers?",
];
const replies = [
  "Approved — go ahead.",
  "Looks good to me, left two small comments in the doc.",
  "Thanks, this is really clear.",
  "Can we talk about the vendor risk in the next 1:1?",
];

/** `demo.weeks` (twelve in the demo) of updates, asks, comments and reads for every demo team, in a few bulk inserts. */
export async function seedDemoUpdates(tx: DbOrTx, demo: DemoOrg, _s: PluginServices<StatusSettings>): Promise<void> {
  const email = new Map(demo.people.map((p) => [p.id, p.email]));
  const updateRows: (typeof updates.$inferInsert)[] = [];
  const askRows: (typeof asks.$inferInsert)[] = [];
  const addresseeRows: (typeof askAddressees.$inferInsert)[] = [];
  const commentRows: (typeof comments.$inferInsert)[] = [];
  const ackRows: (typeof acknowledgements.$inferInsert)[] = [];
  let n = 0;
  const pause = pacer();
  for (const team of demo.teams) {
    const periods = recentPeriods(
      { cadence: "weekly", weekday: 5, time: "15:00", timeZone: team.timeZone },
      demo.now,
      demo.weeks,
    );
    for (const [w, period] of periods.entries()) {
      const current = w === periods.length - 1;
      for (const [i, authorId] of team.memberIds.entries()) {
        // Composing renders and checks Markdown: requests get a turn every few milliseconds.
        await pause();
        n++;
        // Roughly one in seven skipped; in the current week only some have posted yet.
        if ((i * 7 + w * 3) % 7 === 0 || (current && i % 2 === 1)) continue;
        const postedAt = new Date(
          Math.min(period.dueAt.getTime() + (((i + w) % 5) - 3) * 3_600_000, demo.now.getTime() - 60_000),
        );
        const id = crypto.randomUUID();
        const peer = team.memberIds[(i + 1) % team.memberIds.length] as string;
        const askText =
          team.memberIds.length > 1 && (i + w) % 4 === 0
            ? (askTemplates[(i + w) % askTemplates.length] as (h: string) => string)(handleOf(email.get(peer) ?? ""))
            : "";
        const answers: Record<string, string> = {
          "bottom-line": bottomLines[(i * 3 + w) % bottomLines.length] as string,
          progress: progress[(i + w) % progress.length] as string,
          "risks-blockers": risks[(i * 2 + w) % risks.length] as string,
          ...(askText ? { ask: askText } : {}),
        };
        const c = compose(defaultQuestions, answers);
        updateRows.push({
          id,
          teamId: team.id,
          authorId,
          period: period.key,
          status: "posted",
          answers,
          ...storedColumns(c),
          dueAt: period.dueAt,
          postedAt,
          createdAt: postedAt,
          updatedAt: postedAt,
        });
        const replyAt = new Date(Math.min(postedAt.getTime() + 5 * 3_600_000, demo.now.getTime()));
        if (askText.startsWith("@")) {
          const askId = crypto.randomUUID();
          askRows.push({
            id: askId,
            updateId: id,
            teamId: team.id,
            askerId: authorId,
            text: askText,
            createdAt: postedAt,
          });
          const answered = !current && w % 3 !== 0;
          const commentId = crypto.randomUUID();
          addresseeRows.push({
            askId,
            personId: peer,
            answeredAt: answered ? replyAt : null,
            answerCommentId: answered ? commentId : null,
          });
          if (answered)
            commentRows.push({
              id: commentId,
              updateId: id,
              authorId: peer,
              body: replies[w % 2] as string,
              createdAt: replyAt,
            });
        } else if (n % 5 === 0) {
          commentRows.push({ updateId: id, authorId: peer, body: replies[2 + (w % 2)] as string, createdAt: replyAt });
        }
        for (const readerId of team.memberIds.slice(0, 3)) {
          if (readerId !== authorId) ackRows.push({ updateId: id, personId: readerId, at: replyAt });
        }
      }
    }
  }
  const chunk = async <T>(rows: T[], insert: (part: T[]) => Promise<unknown>): Promise<void> => {
    for (let i = 0; i < rows.length; i += 40) await insert(rows.slice(i, i + 40));
  };
  await chunk(updateRows, (p) => tx.insert(updates).values(p));
  await chunk(askRows, (p) => tx.insert(asks).values(p));
  await chunk(addresseeRows, (p) => tx.insert(askAddressees).values(p));
  await chunk(commentRows, (p) => tx.insert(comments).values(p));
  await chunk(ackRows, (p) => tx.insert(acknowledgements).values(p));
}
