import type { DbOrTx, DemoOrg, PluginServices } from "../../server/plugin-api.ts";
import { quarterOf } from "./quarter.ts";
import {
  examples,
  invitations,
  pairs,
  reviewComments,
  reviews,
  workshopExamples,
  workshops,
  writers,
} from "./schema.ts";
import type { WritingSettings } from "./settings.ts";

const day = 86_400_000;

const draft = {
  bottomLine: "Some context on the migration before the numbers.",
  text: "## Bottom line\n\nSome context on the migration before the numbers. We started in May and the first two weeks went to planning.\n\n## Ask\n\nIf anyone has time it would be good to look at the cut-over plan.\n\n## Progress\n\nHalf the tables are moved. The rest follow next week.",
  suggestion: "The migration is on track for Friday; @ops please approve the cut-over plan by Wednesday.",
};

const pledges = [
  "Put the ask in my first sentence and name who it is for.",
  "Write the bottom line before I write anything else.",
  "Keep sentences under 25 words in my weekly update.",
  "Say by when I need an answer, every time.",
];

/**
 * Opt-ins and writing pairs this quarter (one per team with at least three people, one still
 * proposed), a reviewed draft with sentence comments and a suggested bottom line offered as a
 * workshop example, and last quarter's workshop with attendance and pledges.
 */
export async function seedDemoWriting(tx: DbOrTx, demo: DemoOrg, _s: PluginServices<WritingSettings>): Promise<void> {
  const now = demo.now;
  const zone = demo.people.find((p) => p.id === demo.ownerId)?.timeZone ?? "UTC";
  const quarter = quarterOf(now, zone);
  const teams = demo.teams.filter((t) => t.memberIds.length >= 3);
  if (!teams.length) return;
  const pairRows = teams.map((team, i) => {
    const members = team.memberIds.filter((id) => !team.managerIds.includes(id));
    const writerId = members[members.length - 1] ?? (team.memberIds[1] as string);
    const partnerId = members[0] ?? (team.memberIds[0] as string);
    const proposed = i === teams.length - 1 && teams.length > 1;
    return {
      id: crypto.randomUUID(),
      quarter,
      writerId,
      partnerId,
      proposedBy: team.managerIds[0] ?? demo.ownerId,
      status: proposed ? ("proposed" as const) : ("active" as const),
      writerAccepted: true,
      partnerAccepted: !proposed,
      createdAt: new Date(now.getTime() - 20 * day),
      decidedAt: proposed ? null : new Date(now.getTime() - 19 * day),
      teamId: team.id,
    };
  });
  const optIns = new Map<string, { wantsFeedback: boolean; offersReviews: boolean }>();
  for (const p of pairRows) {
    optIns.set(p.writerId, { wantsFeedback: true, offersReviews: optIns.get(p.writerId)?.offersReviews ?? false });
    optIns.set(p.partnerId, { wantsFeedback: optIns.get(p.partnerId)?.wantsFeedback ?? false, offersReviews: true });
  }
  await tx
    .insert(writers)
    .values([...optIns].map(([personId, o]) => ({ personId, ...o, updatedAt: new Date(now.getTime() - 21 * day) })))
    .onConflictDoNothing();
  await tx.insert(pairs).values(pairRows.map(({ teamId: _team, ...p }) => p));

  const first = pairRows[0];
  if (first?.status !== "active") return;
  const requestedAt = new Date(now.getTime() - 6 * day);
  const [review] = await tx
    .insert(reviews)
    .values({
      pairId: first.id,
      authorId: first.writerId,
      partnerId: first.partnerId,
      teamId: first.teamId,
      editor: "status-update",
      ref: `${first.teamId}:demo`,
      link: `/status-updates/write?team=${first.teamId}`,
      text: draft.text,
      bottomLine: draft.bottomLine,
      status: "reviewed",
      suggestedBottomLine: draft.suggestion,
      note: "Lead with where it stands and who you need; the history can follow.",
      requestedAt,
      dueAt: new Date(requestedAt.getTime() + day),
      reviewedAt: new Date(requestedAt.getTime() + 5 * 3_600_000),
    })
    .returning({ id: reviews.id });
  if (!review) return;
  await tx.insert(reviewComments).values([
    {
      reviewId: review.id,
      sentence: 0,
      quote: "Some context on the migration before the numbers.",
      body: "This is background; start with where the migration stands.",
      createdAt: new Date(requestedAt.getTime() + 4 * 3_600_000),
    },
    {
      reviewId: review.id,
      sentence: 2,
      quote: "If anyone has time it would be good to look at the cut-over plan.",
      body: "Name who should look, and say by when.",
      createdAt: new Date(requestedAt.getTime() + 4 * 3_600_000),
    },
  ]);
  const [example] = await tx
    .insert(examples)
    .values({
      reviewId: review.id,
      consentedBy: first.writerId,
      before: draft.bottomLine,
      after: draft.suggestion,
      createdAt: new Date(requestedAt.getTime() + 6 * 3_600_000),
    })
    .returning({ id: examples.id });

  // Last quarter's workshop: most people came, several pledged.
  const startsAt = new Date(now.getTime() - 45 * day);
  const [workshop] = await tx
    .insert(workshops)
    .values({
      quarter: quarterOf(startsAt, zone),
      title: "Writing for async teams",
      startsAt,
      minutes: 60,
      location: "Main room and the video link",
      facilitatorId: first.partnerId,
      agenda:
        "1. Why writing is the lever of async work\n2. BLUF: a buried ask rewritten bottom-line first, before/after\n3. Rewrite one of your own updates in pairs\n4. One thing I'll change",
      createdBy: demo.ownerId,
      createdAt: new Date(startsAt.getTime() - 21 * day),
    })
    .onConflictDoNothing()
    .returning({ id: workshops.id });
  if (!workshop) return;
  if (example) await tx.insert(workshopExamples).values({ workshopId: workshop.id, exampleId: example.id });
  await tx.insert(invitations).values(
    demo.people.map((p, i) => ({
      workshopId: workshop.id,
      personId: p.id,
      invitedAt: new Date(startsAt.getTime() - 21 * day),
      attended: i % 4 !== 3,
      pledge: i % 4 !== 3 && i % 2 === 0 ? (pledges[(i / 2) % pledges.length] as string) : null,
      pledgedAt: i % 4 !== 3 && i % 2 === 0 ? new Date(startsAt.getTime() + 3_600_000) : null,
    })),
  );
}
