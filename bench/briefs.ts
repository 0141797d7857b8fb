/**
 * Briefs: what the blind rule and full-text search cost per query.
 *
 *   npx bun bench/briefs.ts                                          # PGlite in memory
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/briefs.ts
 *
 * Seeds 1,000 interviews (4 interviewers and a hiring manager each, 3 notes) and 5,000
 * decisions, then compares, each as a median over many runs:
 * - reading one interview's notes through the blind-rule access function vs a bare select;
 * - a decisions-log search (tsvector + GIN, websearch_to_tsquery, visibility filter) vs the
 *   newest-first list without search.
 */
import { eq } from "drizzle-orm";
import { readableNotes } from "../plugins/briefs/access.ts";
import { searchDecisions } from "../plugins/briefs/decisions.ts";
import { decisions, interviews, notes, panelists } from "../plugins/briefs/schema.ts";
import { testApp } from "../server/testing/test-app.ts";
import { median } from "./lib.ts";

const INTERVIEWS = 1000;
const DECISIONS = 5000;
const RUNS = 300;

const t = await testApp({ plugins: ["briefs"] });
const people = Array.from({ length: 40 }, () => crypto.randomUUID());
const pick = (i: number): string => people[i % people.length] as string;
const now = new Date("2026-03-02T09:00:00Z");

try {
  const ids: string[] = [];
  for (let start = 0; start < INTERVIEWS; start += 250) {
    const rows = await t.ctx.db
      .insert(interviews)
      .values(
        Array.from({ length: 250 }, (_, k) => ({
          teamId: crypto.randomUUID(),
          candidateName: `Candidate ${start + k}`,
          role: "Engineer",
          startsAt: now,
          endsAt: now,
          createdById: pick(start + k),
          createdAt: now,
        })),
      )
      .returning({ id: interviews.id });
    ids.push(...rows.map((r) => r.id));
  }
  await t.ctx.db
    .insert(panelists)
    .values(
      ids.flatMap((id, i) => [
        ...[1, 2, 3, 4].map((k) => ({ interviewId: id, personId: pick(i + k), part: "interviewer" as const })),
        { interviewId: id, personId: pick(i), part: "hiring_manager" as const },
      ]),
    );
  await t.ctx.db.insert(notes).values(
    ids.flatMap((id, i) =>
      [1, 2, 3].map((k) => ({
        interviewId: id,
        interviewerId: pick(i + k),
        ratings: { Craft: 3 },
        evidence: "Solid evidence",
        recommendation: "hire" as const,
        submittedAt: now,
        updatedAt: now,
      })),
    ),
  );
  const words = [
    "search",
    "postgres",
    "kickoff",
    "hiring",
    "budget",
    "oncall",
    "offsite",
    "handbook",
    "pricing",
    "latency",
  ];
  for (let start = 0; start < DECISIONS; start += 500) {
    await t.ctx.db.insert(decisions).values(
      Array.from({ length: 500 }, (_, k) => {
        const n = start + k;
        return {
          kind: n % 10 === 0 ? ("hiring" as const) : ("manual" as const),
          interviewId: n % 10 === 0 ? (ids[(n / 10) % ids.length] as string) : null,
          title: `Decision ${n} about ${words[n % words.length]}`,
          decidedBy: "Leads",
          decidedOn: "2026-02-01",
          rationale: `Because ${words[(n * 7) % words.length]} and ${words[(n * 3) % words.length]} matter.`,
          recordedById: pick(n),
          createdAt: now,
        };
      }),
    );
  }

  const time = async (fn: () => Promise<unknown>): Promise<number> => {
    for (let i = 0; i < 20; i++) await fn();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await fn();
      samples.push(performance.now() - started);
    }
    return median(samples);
  };

  const target = ids[Math.floor(ids.length / 2)] as string;
  const viewer = pick(Math.floor(ids.length / 2) + 4); // an interviewer who has not submitted: blind
  const bare = await time(() => t.ctx.db.select().from(notes).where(eq(notes.interviewId, target)));
  const blind = await time(() => readableNotes(t.ctx.db, viewer, eq(notes.interviewId, target)));
  const list = await time(() => searchDecisions(t.ctx.db, viewer, { limit: 50 }));
  const search = await time(() => searchDecisions(t.ctx.db, viewer, { query: '"postgres" -pricing', limit: 50 }));
  const db = process.env.TEST_DATABASE_URL ? "Postgres" : "PGlite";
  console.log(
    `briefs notes (${db}): blind-rule read ${blind.toFixed(2)} ms vs bare select ${bare.toFixed(2)} ms — ${(blind / bare).toFixed(2)}× over ${INTERVIEWS} interviews`,
  );
  console.log(
    `briefs decisions (${db}): full-text search ${search.toFixed(2)} ms vs newest-first list ${list.toFixed(2)} ms — ${(search / list).toFixed(2)}× over ${DECISIONS} entries`,
  );
} finally {
  await t.close();
}
