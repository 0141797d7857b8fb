import type { AppContext } from "../context.ts";

const pending = new Set<Promise<void>>();

/**
 * Runs `task` after the current response has gone out, so the response cannot tell how much
 * work the task did (e.g. whether an account exists). A failure is logged, never thrown: the
 * answer has been given. Work that must survive a crash belongs in the outbox or an event.
 *
 * @example
 * afterResponse(ctx, "password reset", () => requestPasswordReset(ctx.db, input, options));
 */
export function afterResponse(ctx: AppContext, what: string, task: () => Promise<unknown>): void {
  const run = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      await task();
    } catch (error) {
      ctx.logger.error(`${what} failed after the response`, { error });
    }
  })();
  pending.add(run);
  void run.finally(() => pending.delete(run));
}

/** Resolves when every task started with `afterResponse` has finished (tests, shutdown). */
export async function afterResponseSettled(): Promise<void> {
  while (pending.size) await Promise.allSettled([...pending]);
}
