import type { ExpandReply, ExpandRequest } from "./expand-thread.ts";
import { type ExpandOptions, type ExpandWindow, type Expansion, NotACalendarError } from "./expansion.ts";

/** A file that takes longer than this to expand is given up, and the import says so. */
export const EXPAND_TIME_BUDGET_MS = 60_000;

/** Raised when a calendar could not be expanded within the time budget. */
export class ExpansionTimeoutError extends Error {
  override name = "ExpansionTimeoutError";
}

interface Job {
  request: ExpandRequest;
  budgetMs: number;
  resolve(expansion: Expansion): void;
  reject(error: Error): void;
}

type RefCounted = Worker & { ref(): void; unref(): void };

let thread: RefCounted | undefined;
let current: (Job & { timer: ReturnType<typeof setTimeout> }) | undefined;
const queue: Job[] = [];
let nextId = 1;

function expansionThread(): RefCounted {
  if (thread) return thread;
  const worker = new Worker(new URL("./expand-thread.ts", import.meta.url).href) as RefCounted;
  worker.onmessage = (event: MessageEvent<ExpandReply>) => {
    const reply = event.data;
    const job = current;
    if (!job || job.request.id !== reply.id) return;
    clearTimeout(job.timer);
    current = undefined;
    if (reply.ok) job.resolve(reply.expansion);
    else job.reject(reply.notACalendar ? new NotACalendarError(reply.message) : new Error(reply.message));
    next();
  };
  worker.onerror = (event) => replaceThread(new Error(`calendar expansion failed: ${event.message}`));
  thread = worker;
  return worker;
}

/** Stops the thread (stuck past its budget, or crashed), fails the file it held, goes on. */
function replaceThread(error: Error): void {
  thread?.terminate();
  thread = undefined;
  const job = current;
  current = undefined;
  if (job) {
    clearTimeout(job.timer);
    job.reject(error);
  }
  next();
}

function next(): void {
  if (current) return;
  const job = queue.shift();
  if (!job) {
    thread?.unref();
    return;
  }
  const worker = expansionThread();
  worker.ref();
  const seconds = Math.round(job.budgetMs / 1000);
  const timer = setTimeout(
    () =>
      replaceThread(
        new ExpansionTimeoutError(
          `Reading this calendar took longer than ${seconds} s, so it was stopped. Export a shorter date range and try again.`,
        ),
      ),
    job.budgetMs,
  );
  current = { ...job, timer };
  worker.postMessage(job.request);
}

/**
 * Expands a calendar on a thread of its own, so parsing a large or hostile file never holds
 * the server. Files are expanded one after another; one still running after its time budget is
 * stopped (the thread is replaced) and rejected with `ExpansionTimeoutError`.
 */
export function expandOffThread(
  ics: string,
  window: ExpandWindow,
  options: ExpandOptions = {},
  budgetMs: number = EXPAND_TIME_BUDGET_MS,
): Promise<Expansion> {
  return new Promise((resolve, reject) => {
    const request: ExpandRequest = {
      id: nextId++,
      ics,
      window: { from: window.from.getTime(), to: window.to.getTime() },
      options,
    };
    queue.push({ request, budgetMs, resolve, reject });
    next();
  });
}
