import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { eq } from "drizzle-orm";
import { fixedClock } from "../clock.ts";
import { createLogger } from "../log.ts";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { claimPersonPeriod, latestOccurrence, peopleDue } from "./person-schedule.ts";
import { Scheduler } from "./scheduler.ts";
import { jobRuns } from "./schema.ts";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

const silent = createLogger("silent");

function scheduler(instance: string, clock = fixedClock("2026-03-02T10:00:30Z")): Scheduler {
  return new Scheduler({ db: t.ctx.db, clock, logger: silent, instance });
}

describe("scheduler", () => {
  it("runs a global job once per slot across two schedulers on one database", async () => {
    let runs = 0;
    const job = { id: "test.global-once", schedule: "*/5 * * * *", scope: "global" as const, run: () => void runs++ };
    const a = scheduler("a");
    const b = scheduler("b");
    a.add(job);
    b.add(job);
    const slotTime = new Date("2026-03-02T10:05:10Z");
    await Promise.all([a.tick(slotTime), b.tick(slotTime)]);
    expect(runs).toBe(1);
    const history = await t.ctx.db.select().from(jobRuns).where(eq(jobRuns.jobId, job.id));
    expect(history).toHaveLength(1);
    expect(history[0]?.slot?.toISOString()).toBe("2026-03-02T10:05:00.000Z");
  });

  it("runs a local job on every instance", async () => {
    let runs = 0;
    const job = { id: "test.local", schedule: "*/5 * * * *", scope: "local" as const, run: () => void runs++ };
    const a = scheduler("a");
    const b = scheduler("b");
    a.add(job);
    b.add(job);
    await Promise.all([a.tick(new Date("2026-03-02T10:05:10Z")), b.tick(new Date("2026-03-02T10:05:10Z"))]);
    expect(runs).toBe(2);
  });

  it("runs missed slots after downtime once, not once per slot", async () => {
    let runs = 0;
    const job = { id: "test.catch-up", schedule: "* * * * *", scope: "global" as const, run: () => void runs++ };
    const s = scheduler("a");
    s.add(job);
    await s.tick(new Date("2026-03-02T10:01:05Z"));
    expect(runs).toBe(1);
    // The instance was down for three hours; a new scheduler (a restart) catches up with one run.
    const restarted = scheduler("a", fixedClock("2026-03-02T13:01:05Z"));
    restarted.add(job);
    await restarted.tick(new Date("2026-03-02T13:01:05Z"));
    expect(runs).toBe(2);
    await restarted.tick(new Date("2026-03-02T13:01:50Z"));
    expect(runs).toBe(2);
  });

  it("records a throwing job as failed and keeps running the others", async () => {
    let healthy = 0;
    const s = scheduler("a");
    s.add({
      id: "test.throws",
      schedule: "* * * * *",
      scope: "global",
      run: () => {
        throw new Error("disk on fire");
      },
    });
    s.add({
      id: "test.healthy",
      schedule: "* * * * *",
      scope: "global",
      run: () => {
        healthy++;
        return "fine";
      },
    });
    const report = await s.tick(new Date("2026-03-02T11:00:01Z"));
    expect(report.ran).toEqual(["test.throws", "test.healthy"]);
    expect(healthy).toBe(1);
    const [failed] = await t.ctx.db.select().from(jobRuns).where(eq(jobRuns.jobId, "test.throws"));
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toContain("disk on fire");
    expect(failed?.durationMs).toBeGreaterThanOrEqual(0);
    const [ok] = await t.ctx.db.select().from(jobRuns).where(eq(jobRuns.jobId, "test.healthy"));
    expect(ok?.summary).toBe("fine");
  });

  it("lists core jobs on the admin Jobs page and runs one on demand", async () => {
    const admin = await t.signedIn("admin");
    const page = await (await admin.get("/admin/jobs")).text();
    expect(page).toContain("core.digest");
    expect(page).toContain("Run now");
    const res = await admin.post("/admin/jobs/core.housekeeping/run");
    expect(res.status).toBe(303);
    const history = await (await admin.get("/admin/jobs/core.housekeeping")).text();
    expect(history).toContain("manual");
    expect(history).toContain("succeeded");
    const member = await t.signedIn("member");
    expect((await member.post("/admin/jobs/core.housekeeping/run")).status).toBe(403);
  });
});

describe("person-local schedules", () => {
  it("finds the latest Monday 08:00 in the person's zone, stepping by calendar date", () => {
    const monday8 = { key: "k", weekday: 1, time: "08:00" };
    // Sunday 23:30 UTC is already Monday 10:30 in Sydney.
    expect(latestOccurrence(monday8, "Australia/Sydney", new Date("2026-03-01T23:30:00Z"))).toEqual({
      period: "2026-W10",
      dueAt: new Date("2026-03-01T21:00:00Z"),
    });
    // ...but still last week's occurrence in New York.
    expect(latestOccurrence(monday8, "America/New_York", new Date("2026-03-01T23:30:00Z")).period).toBe("2026-W09");
    // Across the US spring-forward (8 March 2026) the local time stays 08:00.
    expect(latestOccurrence(monday8, "America/New_York", new Date("2026-03-09T13:00:00Z")).dueAt).toEqual(
      new Date("2026-03-09T12:00:00Z"),
    );
  });

  it("returns people whose local time passed and who were not yet handled this period", async () => {
    const sydney = await t.person({ timeZone: "Australia/Sydney" });
    const newYork = await t.person({ timeZone: "America/New_York" });
    const schedule = { key: "test.weekly", weekday: 1, time: "08:00" };
    const now = new Date("2026-03-01T23:30:00Z");
    const due = await peopleDue(t.ctx.db, schedule, now, { personIds: [sydney.id, newYork.id] });
    const sydneyDue = due.find((d) => d.personId === sydney.id);
    expect(sydneyDue?.period).toBe("2026-W10");
    expect(await claimPersonPeriod(t.ctx.db, schedule.key, sydney.id, "2026-W10")).toBe(true);
    expect(await claimPersonPeriod(t.ctx.db, schedule.key, sydney.id, "2026-W10")).toBe(false);
    const after = await peopleDue(t.ctx.db, schedule, now, { personIds: [sydney.id, newYork.id] });
    expect(after.map((d) => d.personId)).not.toContain(sydney.id);
  });
});
