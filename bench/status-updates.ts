// Status updates: the team feed for 50 people × 52 weeks against a raw Bun.serve response in the
// same run, and full-text search over 100,000 updates (median query time) on PGlite and, when
// TEST_DATABASE_URL is set, on Postgres. Data is seeded with bulk SQL (generate_series).
import { sql } from "drizzle-orm";
import { PERIODS_PER_PAGE } from "../plugins/status-updates/feed.ts";
import { searchUpdates } from "../plugins/status-updates/search.ts";
import { SESSION_COOKIE } from "../server/auth/session.ts";
import { rowsOf } from "../server/db/rows.ts";
import { renderMarkdown } from "../server/markdown/markdown.ts";
import { teamMembers, teams } from "../server/people/schema.ts";
import { testApp } from "../server/testing/test-app.ts";
import { load, median } from "./lib.ts";

const body = (n: string): string =>
  `'## Bottom line' || chr(10) || chr(10) || 'The ' || (array['billing','search','mobile','kafka','onboarding','payments'])[1 + ${n} % 6] || ' work is ' || (array['on track','blocked on legal','shipped','late by a week'])[1 + ${n} % 4] || '.' || chr(10) || chr(10) || '## Progress' || chr(10) || chr(10) || '- Reviewed ' || (${n} % 17) || ' pull requests about ' || md5(${n}::text) || chr(10) || '- Paired on the ' || (array['cache','importer','dashboard','release'])[1 + ${n} % 4] || ' with the team.'`;

async function feedBench(label: string): Promise<void> {
  const t = await testApp({ plugins: ["status-updates"], now: "2026-03-06T16:00:00Z" });
  try {
    const viewer = await t.signedIn("member");
    const [team] = await t.ctx.db.insert(teams).values({ name: "Bench", timeZone: "UTC" }).returning();
    const teamId = (team as { id: string }).id;
    const members = [viewer.person.id];
    for (let i = 1; i < 50; i++) members.push((await t.person()).id);
    await t.ctx.db.insert(teamMembers).values(members.map((personId) => ({ teamId, personId })));
    await t.ctx.db.execute(sql`
      insert into status_updates.updates (team_id, author_id, period, status, answers, body, bottom_line, due_at, posted_at, created_at, updated_at)
      select ${teamId}::uuid, m.id, to_char(d, 'IYYY-"W"IW'), 'posted', '{}'::jsonb, ${sql.raw(body("(w * 50 + m.n)"))}, 'On track.', d + interval '4 days 15 hours', d + interval '4 days 14 hours', d, d
      from generate_series(0, 51) w
      cross join lateral (select '2026-03-02'::timestamptz - (w * interval '7 days') as d) dd
      cross join (select id, row_number() over () as n from unnest(${`{${members.join(",")}}`}::uuid[]) id) m`);
    // As the app does on write: keep each update's rendered, sanitized HTML beside its Markdown.
    const rows = rowsOf<{ id: string; body: string }>(
      await t.ctx.db.execute(sql`select id, body from status_updates.updates where team_id = ${teamId}::uuid`),
    );
    const rendered = JSON.stringify(rows.map((r) => ({ id: r.id, html: renderMarkdown(r.body).value })));
    await t.ctx.db.execute(sql`
      update status_updates.updates u set body_html = v.html
      from jsonb_to_recordset(${rendered}::jsonb) as v(id uuid, html text) where u.id = v.id`);
    // Readers and comments, as a team leaves them: about ten reads per update and a comment on one in four.
    await t.ctx.db.execute(sql`
      insert into status_updates.acknowledgements (update_id, person_id, at)
      select u.id, m.id, u.posted_at + interval '1 hour'
      from status_updates.updates u
      cross join lateral (select id from unnest(${`{${members.join(",")}}`}::uuid[]) id where id <> u.author_id order by md5(u.id::text || id::text) limit 10) m
      where u.team_id = ${teamId}::uuid`);
    await t.ctx.db.execute(sql`
      insert into status_updates.comments (update_id, author_id, body, created_at)
      select u.id, ${viewer.person.id}::uuid, 'Thanks, looks good.', u.posted_at + interval '2 hours'
      from status_updates.updates u
      where u.team_id = ${teamId}::uuid and get_byte(decode(md5(u.id::text), 'hex'), 0) % 4 = 0`);
    // The app writes body_html with the row; the bulk update above leaves a dead copy of every row,
    // which a real table would not carry (and PGlite has no autovacuum to clear).
    await t.ctx.db.execute(
      sql`vacuum analyze status_updates.updates, status_updates.acknowledgements, status_updates.comments`,
    );
    const cookie = `${SESSION_COOKIE}=${viewer.cookies.get(SESSION_COOKIE)}`;
    const app = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => t.app.fetch(req) });
    const raw = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("hello") });
    try {
      const path = `/status-updates?team=${teamId}`;
      const check = await fetch(`http://127.0.0.1:${app.port}${path}`, {
        headers: { Cookie: cookie, Connection: "close" },
      });
      if (check.status !== 200) throw new Error(`feed answered ${check.status}`);
      const size = (await check.text()).length;
      const base = await load(`http://127.0.0.1:${raw.port}/`, {}, 5);
      const feed = await load(`http://127.0.0.1:${app.port}${path}`, { Cookie: cookie }, 5);
      console.log(
        `status-updates feed on ${label} (50 people × 52 weeks = 2,600 updates, 26,000 reads, ~650 comments, page of ${PERIODS_PER_PAGE} periods, ${(size / 1024).toFixed(0)} KB): ${feed.rps.toFixed(0)} req/s vs raw Bun.serve ${base.rps.toFixed(0)} req/s = ${((feed.rps / base.rps) * 100).toFixed(1)} % (goal ≥ 10 %), errors ${feed.errors}`,
      );
    } finally {
      app.stop(true);
      raw.stop(true);
    }
  } finally {
    await t.close();
  }
}

async function searchBench(label: string): Promise<void> {
  const t = await testApp({ plugins: ["status-updates"] });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const [team] = await t.ctx.db
        .insert(teams)
        .values({ name: `Team ${i}`, timeZone: "UTC" })
        .returning();
      ids.push((team as { id: string }).id);
    }
    const author = await t.person();
    const started = performance.now();
    await t.ctx.db.execute(sql`
      insert into status_updates.updates (team_id, author_id, period, status, answers, body, bottom_line, due_at, posted_at, created_at, updated_at)
      select (${`{${ids.join(",")}}`}::uuid[])[1 + g % 20], ${author.id}::uuid, 'P' || g, 'posted', '{}'::jsonb, ${sql.raw(body("g"))}, 'On track.', now(), now(), now(), now()
      from generate_series(1, 100000) g`);
    await t.ctx.db.execute(sql`analyze status_updates.updates`);
    const seeded = performance.now() - started;
    const queries = ["kafka blocked", "onboarding shipped", '"late by a week"', "payments -mobile", "dashboard & | !"];
    const visible = ids.slice(0, 10);
    for (const q of queries) await searchUpdates(t.ctx.db, q, visible);
    const times: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const q of queries) {
        const s = performance.now();
        await searchUpdates(t.ctx.db, q, visible);
        times.push(performance.now() - s);
      }
    }
    console.log(
      `status-updates search over 100,000 updates on ${label}: median ${median(times).toFixed(1)} ms per query (${times.length} queries, top 20 ranked with snippets; seeded in ${(seeded / 1000).toFixed(1)} s)`,
    );
  } finally {
    await t.close();
  }
}

// `--feed` runs only the feed bench (for profiling).
const feedOnly = process.argv.includes("--feed");
const pgUrl = process.env.TEST_DATABASE_URL;
delete process.env.TEST_DATABASE_URL;
await feedBench("PGlite");
if (pgUrl) {
  process.env.TEST_DATABASE_URL = pgUrl;
  await feedBench("Postgres");
  delete process.env.TEST_DATABASE_URL;
} else {
  console.log("status-updates feed on Postgres: skipped (set TEST_DATABASE_URL)");
}
if (!feedOnly) {
  await searchBench("PGlite");
  if (pgUrl) {
    process.env.TEST_DATABASE_URL = pgUrl;
    await searchBench("Postgres");
  } else {
    console.log("status-updates search on Postgres: skipped (set TEST_DATABASE_URL)");
  }
}
