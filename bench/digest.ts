/**
 * Weekly digest assembly for 1,000 people with the kudos plugin's section. Goal: under 10 s.
 *
 *   npx bun bench/digest.ts                                          # PGlite in memory
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx bun bench/digest.ts
 *
 * Everyone is in UTC and it is Monday 09:00 UTC, so every weekly digest is due. Two people in
 * three received kudos last week; the third gets an empty digest, which is claimed and skipped.
 */

import { kudos } from "../plugins/kudos/schema.ts";
import { boot } from "../server/boot.ts";
import { fixedClock } from "../server/clock.ts";
import { loadConfig } from "../server/config.ts";
import { sendDueDigests } from "../server/digest/digest.tsx";
import { createLogger } from "../server/log.ts";
import { mailOutbox } from "../server/mail/schema.ts";
import { people } from "../server/plugin-api.ts";
import { freshDatabase } from "../server/testing/database.ts";

const PEOPLE = 1_000;
const GOAL_SECONDS = 10;
const now = new Date("2026-03-02T09:00:00Z"); // a Monday

if (!process.env.TEST_DATABASE_URL && process.env.DATABASE_URL)
  process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;

const config = loadConfig({ LOG_LEVEL: "silent", PLUGINS: "kudos" });
if (!config.ok) throw new Error(config.error);
const database = await freshDatabase();
const { ctx, close } = await boot({
  config: config.config,
  clock: fixedClock(now),
  database,
  logger: createLogger("silent"),
  mailer: null,
  plugins: { enabled: ["kudos"] },
});
if (!ctx.plugins.isEnabled("kudos")) throw new Error(`kudos plugin did not start: ${ctx.plugins.get("kudos")?.error}`);

try {
  const weekdays = [["09:00", "17:00"]] as [string, string][];
  const ids: string[] = [];
  for (let start = 0; start < PEOPLE; start += 500) {
    const rows = await ctx.db
      .insert(people)
      .values(
        Array.from({ length: Math.min(500, PEOPLE - start) }, (_, i) => ({
          email: `person${start + i}@example.com`,
          name: `Person ${start + i}`,
          timeZone: "UTC",
          workingHours: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays },
        })),
      )
      .returning({ id: people.id });
    ids.push(...rows.map((r) => r.id));
  }
  const day = 86_400_000;
  const given = ids.flatMap((toId, i) =>
    i % 3 === 0
      ? []
      : [1, 2].map((k) => ({
          fromId: ids[(i + k) % ids.length] as string,
          toId,
          message: `Thanks for the review #${k}`,
          createdAt: new Date(now.getTime() - k * day),
        })),
  );
  for (let start = 0; start < given.length; start += 500)
    await ctx.db.insert(kudos).values(given.slice(start, start + 500));

  const started = performance.now();
  const report = await sendDueDigests(ctx, now);
  const seconds = (performance.now() - started) / 1000;
  const outbox = await ctx.db.$count(mailOutbox);
  console.log(
    `digest [${database.driver}]: ${seconds.toFixed(2)} s for ${PEOPLE} people — ${report.queued} digests queued ` +
      `(${outbox} in the outbox), ${report.empty} empty, ${report.due} due; goal < ${GOAL_SECONDS} s: ${seconds < GOAL_SECONDS ? "met" : "MISSED"}`,
  );
  if (seconds >= GOAL_SECONDS) process.exitCode = 1;
} finally {
  await close();
}
