// Writing trends: the writer's own trend page and a manager's team trend page over a year of
// updates by 1,000 people (52,000 measured updates, a clarification question on one in five),
// against a raw Bun.serve response in the same run; PGlite, or Postgres when TEST_DATABASE_URL is set.
//   npx bun bench/writing.ts
import { sql } from "drizzle-orm";
import { SESSION_COOKIE } from "../server/auth/session.ts";
import { teams } from "../server/people/schema.ts";
import { testApp } from "../server/testing/test-app.ts";
import { load } from "./lib.ts";

const PEOPLE = 1000;
const WEEKS = 52;
const label = process.env.TEST_DATABASE_URL ? "Postgres" : "PGlite";

const t = await testApp({ plugins: ["writing"], now: "2026-03-06T16:00:00Z" });
try {
  const viewer = await t.signedIn("manager");
  const [team] = await t.ctx.db.insert(teams).values({ name: "Everyone", timeZone: "UTC" }).returning();
  const teamId = (team as { id: string }).id;
  const seedStart = performance.now();
  // 999 more people in bulk, all on one team the viewer manages.
  await t.ctx.db.execute(sql`
    insert into people (email, name, role, time_zone, working_hours)
    select 'bench' || g || '@example.com', 'Bench ' || g, 'member', 'UTC', '{}'::jsonb from generate_series(1, ${PEOPLE - 1}) g`);
  await t.ctx.db.execute(sql`
    insert into team_members (team_id, person_id, is_manager)
    select ${teamId}::uuid, id, id = ${viewer.person.id}::uuid from people`);
  await t.ctx.db.execute(sql`
    insert into writing.update_measures (update_id, author_id, team_id, posted_at, bluf_first, has_ask, ask_addressed_dated, sentences, words, grade)
    select gen_random_uuid(), p.id, ${teamId}::uuid, '2026-03-06T14:00:00Z'::timestamptz - w * interval '7 days',
      (hashtext(p.id::text || w) % 3) <> 0, w % 2 = 0, w % 4 = 0, 4 + w % 5, 40 + (w * 7) % 60, 4 + (w % 9)
    from people p cross join generate_series(0, ${WEEKS - 1}) w`);
  await t.ctx.db.execute(sql`
    insert into writing.clarifications (comment_id, update_id, commenter_id, created_at)
    select gen_random_uuid(), m.update_id, ${viewer.person.id}::uuid, m.posted_at + interval '1 hour'
    from writing.update_measures m where get_byte(decode(md5(m.update_id::text), 'hex'), 0) % 5 = 0`);
  await t.ctx.db.execute(sql`analyze writing.update_measures`);
  await t.ctx.db.execute(sql`analyze people`);
  await t.ctx.db.execute(sql`analyze team_members`);
  await t.ctx.db.execute(sql`analyze writing.clarifications`);
  const seededS = (performance.now() - seedStart) / 1000;

  const cookie = `${SESSION_COOKIE}=${viewer.cookies.get(SESSION_COOKIE)}`;
  const app = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => t.app.fetch(req) });
  const raw = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("hello") });
  try {
    const pages = { own: "/writing/trends", team: `/writing/teams/${teamId}/trends`, profile: "/profile" };
    const firstMs: Record<string, number> = {};
    for (const [name, path] of Object.entries(pages)) {
      const started = performance.now();
      const check = await fetch(`http://127.0.0.1:${app.port}${path}`, { headers: { Cookie: cookie } });
      if (check.status !== 200) throw new Error(`${path} answered ${check.status}`);
      await check.text();
      firstMs[name] = performance.now() - started;
    }
    const base = await load(`http://127.0.0.1:${raw.port}/`, {}, 5);
    const profile = await load(`http://127.0.0.1:${app.port}${pages.profile}`, { Cookie: cookie }, 5);
    const own = await load(`http://127.0.0.1:${app.port}${pages.own}`, { Cookie: cookie }, 5);
    const teamPage = await load(`http://127.0.0.1:${app.port}${pages.team}`, { Cookie: cookie }, 5);
    const line = (name: string, r: typeof own): string =>
      `${name}: ${r.rps.toFixed(0)} req/s, ${r.latencyMs.toFixed(1)} ms mean latency = ${((r.rps / base.rps) * 100).toFixed(2)} % of raw Bun.serve (${base.rps.toFixed(0)} req/s), errors ${r.errors}`;
    console.log(
      `writing trends on ${label}: ${PEOPLE} people × ${WEEKS} weeks = ${PEOPLE * WEEKS} measured updates (seeded in ${seededS.toFixed(1)} s)`,
    );
    console.log(`  ${line("baseline: the core profile page", profile)}`);
    console.log(`  ${line("own trend page (52 of them)", own)}`);
    console.log(`  ${line("team trend page (all 52,000, ≥ 5 writers per month)", teamPage)}`);
    console.log(
      `  first team view, which computes and freezes 12 closed months: ${firstMs.team?.toFixed(0)} ms (own page cold: ${firstMs.own?.toFixed(0)} ms)`,
    );
  } finally {
    app.stop(true);
    raw.stop(true);
  }
} finally {
  await t.close();
}
