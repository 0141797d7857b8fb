import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { definePlugin, people } from "../../server/plugin-api.ts";
import { adminPages } from "./admin.tsx";
import { activityWatchApi, memberApi, nativeApi } from "./api.ts";
import { seedDemoActivity } from "./demo.ts";
import { registerDevice } from "./devices.ts";
import { activityDigest } from "./digest.tsx";
import { ownSeconds, weekStart } from "./my-activity.ts";
import { secureNoise } from "./noise.ts";
import { activityPages } from "./pages.tsx";
import { currentPolicy } from "./policy.ts";
import { releaseDueWeeks } from "./release.ts";
import { ensurePartitions, pruneRollups, rollUp } from "./rollup.ts";

/**
 * Team-level activity signals from desktop agents, with privacy enforced in the queries: team
 * figures need at least five people, only the person sees their own data, and window titles and
 * URLs are dropped before anything is stored. See plugins/activity/README.md.
 */
export default definePlugin({
  id: "activity",
  name: "Activity",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Team-level active hours and app categories from desktop agents; never per-person grading.",
  migrations: `${import.meta.dir}/migrations`,
  assets: { stylesheet: `${import.meta.dir}/activity.css` },
  setup(api) {
    api.pages((r) => {
      activityPages(r);
      adminPages(r);
    });
    api.api((r) => {
      nativeApi(r);
      memberApi(r);
    });
    api.apiAt("/api/0", activityWatchApi);
    api.nav({ href: "/activity", label: "Activity", access: "member", order: 70 });
    api.nav({ href: "/activity/teams/:teamId", label: "Activity", access: "member", order: 70, section: "team" });
    api.nav({ href: "/activity/admin", label: "Activity", access: "admin", order: 70, section: "admin" });
    api.card({
      id: "my-week",
      title: "Your activity this week",
      access: "member",
      order: 70,
      async render(_c, s) {
        if (!s.viewer) return null;
        const from = weekStart(s.clock.now(), s.viewer.timeZone);
        const hours = Math.round(((await ownSeconds(s.db, s.viewer.id, from, s.clock.now())) / 3600) * 10) / 10;
        return (
          <p>
            {hours ? `${hours} active hours so far this week.` : "No activity recorded this week."}{" "}
            <a href="/activity">Only you can see this.</a>
          </p>
        );
      },
    });
    api.job({
      id: "rollup",
      schedule: "*/15 * * * *",
      scope: "global",
      description: "Rolls raw events into 15-minute category totals and deletes raw events older than 24 hours.",
      async run(s) {
        const { slots, deleted } = await rollUp(s.db, s.clock.now());
        return `rolled ${slots} person-slots, deleted ${deleted} raw events`;
      },
    });
    api.job({
      id: "release",
      schedule: "25 * * * *",
      scope: "global",
      description:
        "Freezes each team's figures for every closed, final week: the week's membership, per-cell thresholds and differential-privacy noise drawn once.",
      async run(s) {
        const { minGroupSize, rollupRetentionDays } = await currentPolicy(s.db);
        const released = await releaseDueWeeks(s.db, (fn) => s.transaction(fn), {
          k: minGroupSize,
          noise: secureNoise,
          now: s.clock.now(),
          lookbackWeeks: Math.floor(rollupRetentionDays / 7),
        });
        return `released ${released} team-weeks`;
      },
    });
    api.job({
      id: "retention",
      schedule: "10 3 * * *",
      scope: "global",
      description: "Creates next months' rollup partitions and drops rollups past the retention setting.",
      async run(s) {
        const now = s.clock.now();
        const { rollupRetentionDays } = await currentPolicy(s.db);
        await ensurePartitions(s.db, now, new Date(now.getTime() + 62 * 86_400_000));
        return `removed ${await pruneRollups(s.db, now, rollupRetentionDays)} rollups`;
      },
    });
    api.digest(activityDigest);
    api.command({
      name: "device-token",
      summary: "Register a device for a person and print its token (shown once).",
      options: z.object({
        email: z.email("an email address").describe("The person's email address"),
        device: z.string().min(1, "a device name").max(80).describe("A name for the device, e.g. work-laptop"),
      }),
      async run(args, s) {
        const email = String(args.email).toLowerCase();
        const [person] = await s.db
          .select({ id: people.id })
          .from(people)
          .where(and(sql`lower(${people.email}) = ${email}`, eq(people.status, "active")));
        if (!person) return s.fail(`no active person with the email ${email}`);
        const { token } = await registerDevice(s.db, {
          personId: person.id,
          name: String(args.device),
          at: s.clock.now(),
        });
        s.out(token);
      },
    });
    api.demo(seedDemoActivity);
  },
});
