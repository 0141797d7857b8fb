import type { Clock } from "../clock.ts";
import type { Db } from "../db/index.ts";
import type { Logger } from "../log.ts";

/** What a job's `run` receives. Plugins get a richer context (settings, events) via the plugin API. */
export interface JobRunContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The scheduled instant this run is for (the claim key), or null for "run now". */
  slot: Date | null;
}

export interface JobDefinition {
  /** Unique across the app; plugin jobs are prefixed with the plugin id (`sla.breaches`). */
  id: string;
  /** A cron expression (croner syntax, 5 or 6 fields), e.g. `*\/5 * * * *`. */
  schedule: string;
  /** IANA zone the schedule is read in; default UTC. */
  timezone?: string;
  /**
   * `global`: once per slot across every instance (claim row UNIQUE(job_id, slot)).
   * `local`: on every instance (e.g. flushing an in-process buffer).
   */
  scope: "global" | "local";
  description?: string;
  /** Returns an optional one-line summary for the job history ("sent 12 digests"). */
  run(ctx: JobRunContext): Promise<string | undefined> | string | undefined;
}
