import { and, eq, inArray, lt, notInArray } from "drizzle-orm";
import type { Clock } from "../clock.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";
import { type BackgroundTask, backgroundTasks } from "./schema.ts";

/** What a task's work reports as it goes. */
export interface TaskProgress {
  /** The step now running, and how far along the whole task is (total 0 = unknown). */
  step(label: string, done?: number, total?: number): Promise<void>;
}

export interface TaskOutcome {
  /** One sentence a person reads when it is done. */
  message: string;
  resultUrl?: string;
  details?: Record<string, unknown>;
}

export interface NewTask {
  kind: string;
  label: string;
  startedBy?: string | null;
  claimHash?: string | null;
}

export type StartResult = { ok: true; task: BackgroundTask } | { ok: false; reason: "already-running" };

const NO_ID = "00000000-0000-0000-0000-000000000000";
const DETACHED = "detached:";

function interrupted(now: Date): Partial<BackgroundTask> {
  return {
    status: "interrupted",
    message: "The server stopped before this finished. Please start it again.",
    updatedAt: now,
    finishedAt: now,
  };
}

// Progress is written at most this often: a tight loop of steps must not become a write storm.
const PROGRESS_EVERY_MS = 250;

/**
 * Runs long work in the background of this instance with its progress in the database, so the
 * request that started it answers at once and any instance can show how it is going. Work that
 * fails is recorded with its reason; work cut short by a stop is recorded as interrupted.
 */
export class TaskRunner {
  readonly #running = new Map<string, Promise<void>>();
  #detached = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly instance: string,
  ) {}

  /** Starts `work` and returns the task row at once; the work goes on after the request. */
  async start(input: NewTask, work: (progress: TaskProgress) => Promise<TaskOutcome>): Promise<StartResult> {
    const now = this.clock.now();
    let task: BackgroundTask | undefined;
    try {
      [task] = await this.db
        .insert(backgroundTasks)
        .values({
          kind: input.kind,
          label: input.label,
          startedBy: input.startedBy ?? null,
          claimHash: input.claimHash ?? null,
          status: "running",
          instance: this.instance,
          startedAt: now,
          updatedAt: now,
        })
        .returning();
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, reason: "already-running" };
      throw error;
    }
    if (!task) throw new Error("task insert returned no row");
    const id = task.id;
    const run = this.#run(id, work).finally(() => this.#running.delete(id));
    this.#running.set(id, run);
    return { ok: true, task };
  }

  async #run(id: string, work: (progress: TaskProgress) => Promise<TaskOutcome>): Promise<void> {
    let lastWrite = 0;
    const progress: TaskProgress = {
      step: async (label, done, total) => {
        const at = Date.now();
        if (at - lastWrite < PROGRESS_EVERY_MS && done !== total) return;
        lastWrite = at;
        await this.db
          .update(backgroundTasks)
          .set({
            step: label,
            ...(done === undefined ? {} : { done }),
            ...(total === undefined ? {} : { total }),
            updatedAt: this.clock.now(),
          })
          .where(eq(backgroundTasks.id, id));
      },
    };
    try {
      const outcome = await work(progress);
      await this.#finish(id, "succeeded", outcome.message, outcome.resultUrl ?? null, outcome.details ?? null);
    } catch (error) {
      this.logger.error("background task failed", { task: id, error });
      const message = error instanceof TaskError ? error.message : "It failed on our side; the error has been logged.";
      await this.#finish(id, "failed", message, null, null).catch((e: unknown) =>
        this.logger.error("could not record a failed task", { task: id, error: e }),
      );
    }
  }

  async #finish(
    id: string,
    status: "succeeded" | "failed",
    message: string,
    resultUrl: string | null,
    details: Record<string, unknown> | null,
  ): Promise<void> {
    const now = this.clock.now();
    await this.db
      .update(backgroundTasks)
      .set({ status, message, resultUrl, details, updatedAt: now, finishedAt: now })
      .where(eq(backgroundTasks.id, id));
  }

  /**
   * Runs work that keeps its progress elsewhere (a plugin's own table) after the request that
   * started it, tracked like a task: a stop waits for it, tests can await it, failures are logged.
   */
  detach(name: string, work: () => Promise<unknown>): void {
    const key = `${DETACHED}${this.#detached++}`;
    const run = work()
      .then(
        () => {},
        (error: unknown) => this.logger.error("background work failed", { work: name, error }),
      )
      .finally(() => this.#running.delete(key));
    this.#running.set(key, run);
  }

  /** Resolves when every task this instance is running has ended (tests, graceful stop). */
  async settled(): Promise<void> {
    while (this.#running.size) await Promise.allSettled([...this.#running.values()]);
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /**
   * Waits up to `graceMs` for running tasks, then records the rest as interrupted: a stop never
   * leaves a task that looks as if it were still running.
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.#running.size) return;
    await Promise.race([this.settled(), Bun.sleep(graceMs)]);
    const left = this.#runningTaskIds();
    if (!left.length) return;
    await this.db
      .update(backgroundTasks)
      .set(interrupted(this.clock.now()))
      .where(and(eq(backgroundTasks.status, "running"), inArray(backgroundTasks.id, left)))
      .catch((error: unknown) => this.logger.warn("could not record interrupted tasks", { error }));
  }

  /**
   * Records tasks whose process is gone as interrupted: on the embedded database every running
   * task (its data directory has one owner: this process); on Postgres those not updated for
   * ten minutes (another instance may still be running the rest).
   */
  async recoverAbandoned(ownsAll: boolean): Promise<number> {
    const now = this.clock.now();
    const stale = new Date(now.getTime() - 10 * 60_000);
    const rows = await this.db
      .update(backgroundTasks)
      .set(interrupted(now))
      .where(
        and(
          eq(backgroundTasks.status, "running"),
          ownsAll
            ? notInArray(backgroundTasks.id, [...this.#runningTaskIds(), NO_ID])
            : lt(backgroundTasks.updatedAt, stale),
        ),
      )
      .returning({ id: backgroundTasks.id });
    return rows.length;
  }

  /** Ids of the task rows this instance is running (detached work has no row). */
  #runningTaskIds(): string[] {
    return [...this.#running.keys()].filter((key) => !key.startsWith(DETACHED));
  }

  async get(id: string): Promise<BackgroundTask | undefined> {
    const [task] = await this.db.select().from(backgroundTasks).where(eq(backgroundTasks.id, id));
    return task;
  }
}

/** A failure whose message is meant for the person who started the task. */
export class TaskError extends Error {
  override name = "TaskError";
}

/** The demo load a browser's claim cookie belongs to, if any. */
export async function demoTaskClaimedBy(db: Db, claimHash: string): Promise<BackgroundTask | undefined> {
  const [task] = await db
    .select()
    .from(backgroundTasks)
    .where(and(eq(backgroundTasks.kind, "demo"), eq(backgroundTasks.claimHash, claimHash)));
  return task;
}
