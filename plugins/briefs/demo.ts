import type { DbOrTx, DemoOrg, PluginServices } from "../../server/plugin-api.ts";
import { paragraphHash, paragraphsOf } from "./brief-flow.ts";
import { briefComments, briefReviewers, briefs, decisions, interviews, notes, panelists } from "./schema.ts";
import { type BriefsSettings, briefsSettings, competenciesOf, ratingScale } from "./settings.ts";

const day = 86_400_000;
const hour = 3_600_000;

const bodies = {
  search: `**Bottom line:** replace the in-house search with Postgres full-text search by April; we need a yes on dropping fuzzy matching.

## Problem

Search runs on a server nobody owns, costs two days a month to babysit, and is down about once a quarter.

## Proposal

Move search into Postgres with tsvector columns and GIN indexes; ship behind a flag in three weeks.

## Decisions needed

- Can we drop fuzzy matching for the first release?

## Risks

- Ranking may feel different; we will compare the top results for the 50 most common queries.

## Out of scope

- Searching attachments.`,
  oncall: `**Bottom line:** move to a follow-the-sun on-call rotation across the three time zones; we need each team lead to name one person by Friday.

## Problem

Night pages wake the same four people; two of them said it is why they are job hunting.

## Proposal

Each region covers its own business hours; handovers are written, not calls.

## Decisions needed

- Who from each team joins the first rotation?

## Risks

- Handovers lose context; we will use a written template and review it after a month.

## Out of scope

- Paying for on-call (a separate proposal).`,
  offsite: `**Bottom line:** hold the yearly offsite online this year and spend the budget on two regional meetups.

## Problem

Flights for everyone cost more than the whole learning budget.

## Proposal

A three-day online offsite with async prep, plus meetups in Lisbon and Austin.

## Decisions needed

- Is the split of the budget right?

## Risks

- Less informal time together.

## Out of scope

- Changing the travel policy.`,
  docs: `**Bottom line:** write an onboarding handbook before the next three hires start; nothing needed from you yet.

## Problem

New people learn by asking in chat, and answers vary by who replies.

## Proposal

One handbook page per first-week task, owned by a named person.

## Decisions needed

- None yet; this is a draft.

## Risks

- It goes stale; each page names an owner.

## Out of scope

- Rewriting the engineering wiki.`,
};

/** A few briefs in every state, two interviews with notes, and a decisions log. */
export async function addDemoBriefs(tx: DbOrTx, demo: DemoOrg, _s: PluginServices<BriefsSettings>): Promise<void> {
  const team = demo.teams[0];
  const other = demo.teams[1] ?? team;
  if (!team || !other) return;
  const members = [...new Set([...team.managerIds, ...team.memberIds])];
  const crew = [...new Set([...members, ...other.memberIds])];
  if (crew.length < 5) return;
  const [a, b, c, d, e] = crew as [string, string, string, string, string];
  const name = (id: string): string => demo.people.find((p) => p.id === id)?.name ?? "A colleague";
  const at = (offset: number): Date => new Date(demo.now.getTime() + offset);

  const rows = await tx
    .insert(briefs)
    .values([
      {
        authorId: a,
        teamId: team.id,
        title: "Move search into Postgres",
        body: bodies.search,
        state: "decided" as const,
        commentDeadline: at(-20 * day),
        synthesis: "Reviewers agreed fuzzy matching can wait; ranking checks are in the rollout plan.",
        decision: "Go: Postgres full-text search ships behind a flag, without fuzzy matching.",
        sentAt: at(-24 * day),
        closedAt: at(-18 * day),
        createdAt: at(-26 * day),
        updatedAt: at(-18 * day),
      },
      {
        authorId: b,
        teamId: team.id,
        title: "Follow-the-sun on-call",
        body: bodies.oncall,
        state: "review" as const,
        commentDeadline: at(2 * day),
        sentAt: at(-1 * day),
        createdAt: at(-3 * day),
        updatedAt: at(-1 * day),
      },
      {
        authorId: c,
        teamId: other.id,
        title: "An online offsite and two meetups",
        body: bodies.offsite,
        state: "synthesis" as const,
        commentDeadline: at(-2 * day),
        synthesis: "Most reviewers prefer the meetups; two asked for a longer online part.",
        sentAt: at(-7 * day),
        createdAt: at(-9 * day),
        updatedAt: at(-1 * day),
      },
      {
        authorId: a,
        teamId: team.id,
        title: "An onboarding handbook",
        body: bodies.docs,
        state: "draft" as const,
        createdAt: at(-1 * day),
        updatedAt: at(-1 * day),
      },
    ])
    .returning({ id: briefs.id, title: briefs.title, body: briefs.body });
  const [search, oncall, offsite] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];

  await tx
    .insert(briefReviewers)
    .values([
      { briefId: search.id, personId: b, answeredAt: at(-22 * day) },
      { briefId: search.id, personId: c, answeredAt: at(-21 * day) },
      { briefId: oncall.id, personId: a, answeredAt: null },
      { briefId: oncall.id, personId: c, answeredAt: at(-12 * hour) },
      ...([a, b, c].includes(demo.ownerId) ? [] : [{ briefId: oncall.id, personId: demo.ownerId, answeredAt: null }]),
      { briefId: offsite.id, personId: a, answeredAt: at(-5 * day) },
      { briefId: offsite.id, personId: d, answeredAt: at(-4 * day) },
    ]);
  const anchor = (body: string, index: number) => {
    const p = paragraphsOf(body)[index];
    return { paragraph: index, paragraphHash: p ? p.hash : paragraphHash("") };
  };
  await tx.insert(briefComments).values([
    {
      briefId: search.id,
      authorId: b,
      ...anchor(search.body, 6),
      body: "Yes, drop fuzzy matching for now.",
      createdAt: at(-22 * day),
    },
    {
      briefId: search.id,
      authorId: c,
      ...anchor(search.body, 10),
      body: "Agree; add the ranking check to the rollout plan.",
      createdAt: at(-21 * day),
    },
    {
      briefId: oncall.id,
      authorId: c,
      ...anchor(oncall.body, 4),
      body: "Can handovers be a form in the portal?",
      createdAt: at(-12 * hour),
    },
    {
      briefId: offsite.id,
      authorId: a,
      ...anchor(offsite.body, 4),
      body: "Meetups please; online days are tiring.",
      createdAt: at(-5 * day),
    },
    {
      briefId: offsite.id,
      authorId: d,
      ...anchor(offsite.body, 0),
      body: "Could the online part be two days?",
      createdAt: at(-4 * day),
    },
  ]);

  // The demo loads into an empty install, so the settings are the defaults; reading them through
  // `s.settings()` would query outside this transaction.
  const settings = briefsSettings.parse({});
  const competencies = competenciesOf(settings);
  const { min, max } = ratingScale(settings);
  const ratings = (shift: number): Record<string, number> =>
    Object.fromEntries(
      competencies.map((k, i) => [k, Math.min(max, Math.max(min, min + ((i + shift) % (max - min + 1))))]),
    );

  const ivs = await tx
    .insert(interviews)
    .values([
      {
        teamId: team.id,
        candidateName: "Jordan Example",
        candidateContact: "jordan@example.org",
        role: "Senior backend engineer",
        startsAt: at(-10 * day),
        endsAt: at(-10 * day + hour),
        createdById: a,
        state: "decided" as const,
        synthesis: "Strong on systems design and clear in writing; both interviewers recommend hiring.",
        outcome: "hire" as const,
        asksOpenedAt: at(-10 * day + hour),
        synthesizedAt: at(-9 * day),
        decidedAt: at(-9 * day),
        createdAt: at(-14 * day),
      },
      {
        teamId: team.id,
        candidateName: "Sam Sample",
        candidateContact: "sam@example.org",
        role: "Product designer",
        startsAt: at(-3 * hour),
        endsAt: at(-2 * hour),
        createdById: a,
        state: "open" as const,
        asksOpenedAt: at(-2 * hour),
        createdAt: at(-5 * day),
      },
    ])
    .returning({ id: interviews.id });
  const [decidedIv, openIv] = ivs as [{ id: string }, { id: string }];
  await tx.insert(panelists).values([
    { interviewId: decidedIv.id, personId: a, part: "hiring_manager" as const },
    { interviewId: decidedIv.id, personId: b, part: "interviewer" as const },
    { interviewId: decidedIv.id, personId: d, part: "interviewer" as const },
    { interviewId: openIv.id, personId: a, part: "hiring_manager" as const },
    { interviewId: openIv.id, personId: c, part: "interviewer" as const },
    { interviewId: openIv.id, personId: e, part: "interviewer" as const },
  ]);
  await tx.insert(notes).values([
    {
      interviewId: decidedIv.id,
      interviewerId: b,
      ratings: ratings(2),
      evidence: "Designed a queue with back-pressure unprompted; explained trade-offs clearly.",
      recommendation: "hire" as const,
      submittedAt: at(-10 * day + 2 * hour),
      updatedAt: at(-10 * day + 2 * hour),
    },
    {
      interviewId: decidedIv.id,
      interviewerId: d,
      ratings: ratings(1),
      evidence: "Wrote a crisp design note in the take-home; asked good questions about on-call.",
      recommendation: "hire" as const,
      submittedAt: at(-10 * day + 3 * hour),
      updatedAt: at(-10 * day + 3 * hour),
    },
    {
      interviewId: openIv.id,
      interviewerId: c,
      ratings: ratings(0),
      evidence: "Portfolio walk-through was thoughtful; research methods were thin.",
      recommendation: "no_hire" as const,
      submittedAt: at(-1 * hour),
      updatedAt: at(-1 * hour),
    },
  ]);

  const dateOf = (d: Date): string => d.toISOString().slice(0, 10);
  await tx.insert(decisions).values([
    {
      kind: "brief" as const,
      briefId: search.id,
      title: "Move search into Postgres",
      decidedBy: name(a),
      decidedOn: dateOf(at(-18 * day)),
      rationale:
        "Go: Postgres full-text search ships behind a flag, without fuzzy matching.\n\nReviewers agreed fuzzy matching can wait.",
      links: `/briefs/${search.id}`,
      recordedById: a,
      createdAt: at(-18 * day),
    },
    {
      kind: "hiring" as const,
      interviewId: decidedIv.id,
      title: "Hiring decision for Senior backend engineer: hire",
      decidedBy: name(a),
      decidedOn: dateOf(at(-9 * day)),
      rationale: "Both interviewers recommend hiring; strong systems design and writing.",
      links: `/briefs/interviews/${decidedIv.id}`,
      recordedById: a,
      createdAt: at(-9 * day),
    },
    {
      kind: "manual" as const,
      title: "Weekly status meeting replaced by written updates",
      decidedBy: name(demo.ownerId),
      decidedOn: dateOf(at(-40 * day)),
      rationale: "The status meeting took 6 attendee-hours a week; written updates cover it and leave a record.",
      links: "/status-updates",
      recordedById: demo.ownerId,
      createdAt: at(-40 * day),
    },
    {
      kind: "manual" as const,
      title: "Response-time norm: 24 business hours for review requests",
      decidedBy: name(b),
      decidedOn: dateOf(at(-30 * day)),
      rationale: "Reviews were waiting days; a published norm makes the wait predictable.",
      links: "",
      recordedById: b,
      createdAt: at(-30 * day),
    },
  ]);
  await addBriefHistory(tx, demo);
}

const pastTopics = [
  ["Retire the legacy billing cron", "Go: the cron is retired once the new ledger has run a full month."],
  ["Adopt a design-review checklist", "Go: every design review uses the checklist from next sprint."],
  ["Move the team wiki into the repository", "No: the wiki stays; pages link to the code instead."],
  ["Quarterly writing workshop", "Go: one workshop a quarter, pairs assigned by the writing plugin."],
] as const;

/**
 * Older history for a long demo (`desktrust seed --weeks` beyond twelve): a decided brief per team
 * every four weeks before the last twelve, in batches, so the briefs list and decisions log have
 * a year behind them.
 */
async function addBriefHistory(tx: DbOrTx, demo: DemoOrg): Promise<void> {
  const rows: (typeof briefs.$inferInsert)[] = [];
  for (let week = 16; week <= demo.weeks; week += 4) {
    demo.teams.forEach((team, t) => {
      const authorId = team.memberIds[(week + t) % team.memberIds.length];
      if (!authorId) return;
      const [title, decision] = pastTopics[(week / 4 + t) % pastTopics.length] as (typeof pastTopics)[number];
      const created = new Date(demo.now.getTime() - week * 7 * day);
      const at = (days: number): Date => new Date(created.getTime() + days * day);
      rows.push({
        authorId,
        teamId: team.id,
        title: `${team.name}: ${title}`,
        body: bodies.search,
        state: "decided",
        commentDeadline: at(6),
        synthesis: "Reviewers agreed with the proposal; two questions are answered in the rollout plan.",
        decision,
        sentAt: at(2),
        closedAt: at(8),
        createdAt: created,
        updatedAt: at(8),
      });
    });
  }
  for (let i = 0; i < rows.length; i += 500) await tx.insert(briefs).values(rows.slice(i, i + 500));
}
