import { Cron } from "croner";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import type { JobDefinition } from "./job.ts";
import { jobClaims, jobRuns } from "./schema.ts";

export type JobRun = typeof jobRuns.$inferSelect;

export interface SchedulerOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Names this instance in claims and history. */
  instance: string;
  /** Whether a job may run now (its plugin may have been disabled). */
  isActive?: (job: JobDefinition) => boolean;
}

export interface TickReport {
  ran: string[];
  skipped: string[];
}

/**
 * Runs jobs on their cron schedules. `tick(now)` does the work and is what tests call;
 * `start()` calls it on a timer set for the next due slot.
 *
 * Each tick runs a job at most once, for the latest slot at or before now: after downtime the
 * missed slots collapse into one run. Global jobs first insert a claim row keyed by
 * (job, slot); only the instance whose insert succeeds runs it.
 */
export class Scheduler {
  private readonly jobs = new Map<string, { def: JobDefinition; cron: Cron; lastSlot: number | undefined }>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;
  private readonly startedAt: number;

  constructor(private readonly options: SchedulerOptions) {
    this.startedAt = options.clock.now().getTime();
  }

  add(def: JobDefinition): void {
    if (this.jobs.has(def.id)) throw new Error(`Job "${def.id}" is registered twice.`);
    const cron = new Cron(def.schedule, { timezone: def.timezone ?? "UTC", paused: true });
    this.jobs.set(def.id, { def, cron, lastSlot: undefined });
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()].map((j) => j.def);
  }

  get(id: string): JobDefinition | undefined {
    return this.jobs.get(id)?.def;
  }

  nextRun(id: string, after: Date = this.options.clock.now()): Date | null {
    return this.jobs.get(id)?.cron.nextRun(after) ?? null;
  }

  async tick(now: Date = this.options.clock.now()): Promise<TickReport> {
    const report: TickReport = { ran: [], skipped: [] };
    for (const job of this.jobs.values()) {
      if (this.options.isActive && !this.options.isActive(job.def)) continue;
      job.lastSlot ??= await this.lastRecordedSlot(job.def);
      const [latest] = job.cron.previousRuns(1, new Date(now.getTime() + 1));
      if (!latest || latest.getTime() <= job.lastSlot) continue;
      job.lastSlot = latest.getTime();
      const ran = await this.runSlot(job.def, latest);
      (ran ? report.ran : report.skipped).push(job.def.id);
    }
    return report;
  }

  /**
   * The last slot any instance ran, so slots missed during downtime collapse into one run.
   * A job that never ran starts with the first slot after this scheduler started.
   */
  private async lastRecordedSlot(def: JobDefinition): Promise<number> {
    // A local job runs on every instance: only this instance's own runs count for it.
    const [row] = await this.options.db
      .select({ slot: sql<Date | string | null>`max(${jobRuns.slot})` })
      .from(jobRuns)
      .where(
        def.scope === "local"
          ? and(eq(jobRuns.jobId, def.id), eq(jobRuns.instance, this.options.instance))
          : eq(jobRuns.jobId, def.id),
      );
    return row?.slot ? new Date(row.slot).getTime() : this.startedAt - 1;
  }

  /** Runs a job now, outside its schedule (admin "run now"). Recorded like any run. */
  async runNow(id: string): Promise<JobRun> {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`Unknown job "${id}".`);
    return this.execute(job.def, null, "manual");
  }

  private async runSlot(def: JobDefinition, slot: Date): Promise<boolean> {
    if (def.scope === "global") {
      const claimed = await this.options.db
        .insert(jobClaims)
        .values({ jobId: def.id, slot, instance: this.options.instance, claimedAt: this.options.clock.now() })
        .onConflictDoNothing()
        .returning({ jobId: jobClaims.jobId });
      if (!claimed.length) return false;
    }
    await this.execute(def, slot, "schedule");
    return true;
  }

  private async execute(def: JobDefinition, slot: Date | null, trigger: "schedule" | "manual"): Promise<JobRun> {
    const { db, clock, logger, instance } = this.options;
    const startedAt = clock.now();
    const started = performance.now();
    const [run] = await db
      .insert(jobRuns)
      .values({ jobId: def.id, slot, trigger, instance, status: "running", startedAt })
      .returning();
    const runId = (run as JobRun).id;
    let status: "succeeded" | "failed" = "succeeded";
    let error: string | null = null;
    let summary: string | null = null;
    try {
      summary = (await def.run({ db, clock, logger: logger.child({ job: def.id }), slot })) ?? null;
    } catch (e) {
      // A throwing job is recorded and the scheduler carries on with the next one.
      status = "failed";
      error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      logger.error("job failed", { job: def.id, error: e });
    }
    const durationMs = Math.round(performance.now() - started);
    const [finished] = await db
      .update(jobRuns)
      .set({ status, error: error?.slice(0, 4000) ?? null, summary, finishedAt: clock.now(), durationMs })
      .where(eq(jobRuns.id, runId))
      .returning();
    return finished as JobRun;
  }

  /** Starts the timer loop: wakes at the next due slot (at least once a minute). */
  start(): void {
    this.stopped = false;
    const loop = (): void => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error) => this.options.logger.error("scheduler tick failed", { error }))
        .finally(() => {
          if (this.stopped) return;
          const now = this.options.clock.now();
          let wait = 60_000;
          for (const job of this.jobs.values()) {
            const next = job.cron.nextRun(now);
            if (next) wait = Math.min(wait, Math.max(250, next.getTime() - now.getTime() + 50));
          }
          this.timer = setTimeout(loop, wait);
        });
    };
    loop();
  }

  /** Stops scheduling and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

export async function jobHistory(db: Db, jobId?: string, limit = 50): Promise<JobRun[]> {
  const query = db.select().from(jobRuns);
  return (jobId ? query.where(eq(jobRuns.jobId, jobId)) : query).orderBy(desc(jobRuns.startedAt)).limit(limit);
}

export async function lastRuns(db: Db): Promise<Map<string, JobRun>> {
  const rows = await db.selectDistinctOn([jobRuns.jobId]).from(jobRuns).orderBy(jobRuns.jobId, desc(jobRuns.startedAt));
  return new Map(rows.map((r) => [r.jobId, r]));
}

/** Deletes claim rows older than `keepDays`; history stays in job_runs. */
export async function pruneClaims(db: Db, before: Date): Promise<void> {
  await db.delete(jobClaims).where(lt(jobClaims.slot, before));
}
