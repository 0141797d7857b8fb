import { readFileSync, unlinkSync, utimesSync, writeFileSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

/** How often the owner refreshes its lock, and when an unrefreshed lock counts as abandoned. */
const REFRESH_MS = 5_000;
const STALE_MS = 30_000;

interface Holder {
  pid: number;
  host: string;
  since: string;
}

export type DataDirLock = { ok: true; release(): void } | { ok: false; message: string };

/**
 * Makes this process the only owner of a data directory. Two processes on one embedded
 * database each see only their own writes, and whichever stops last erases the other's, so a
 * second one must not start. The lock file names its holder and is refreshed while it lives: a
 * crashed holder's lock is taken over at once on the same host (its process is gone) and after
 * 30 s from elsewhere (its refreshes stopped), so a crash never leaves it stuck.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const path = join(dir, "desktrust.lock");
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: "wx", mode: 0o600 });
      const timer = setInterval(() => {
        try {
          const now = new Date();
          utimesSync(path, now, now);
        } catch {
          // The directory went away; nothing left to guard.
        }
      }, REFRESH_MS);
      timer.unref();
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          clearInterval(timer);
          try {
            if (readHolder(path)?.pid === me.pid) unlinkSync(path);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      if (holder && isAlive(holder, path)) {
        return {
          ok: false,
          message:
            `the data directory ${dir} is in use by another DeskTrust process ` +
            `(pid ${holder.pid} on ${holder.host}, since ${holder.since}). ` +
            "Stop it first, or set DATA_DIR to another directory.",
        };
      }
      try {
        unlinkSync(path); // abandoned by a process that crashed
      } catch {
        // Another starter removed it first; try again.
      }
    }
  }
  return { ok: false, message: `could not lock the data directory ${dir}; is another process starting?` };
}

function readHolder(path: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<Holder>;
    return typeof holder.pid === "number" ? (holder as Holder) : undefined;
  } catch {
    return undefined; // half-written or unreadable: treated as abandoned unless refreshed
  }
}

function isAlive(holder: Holder, path: string): boolean {
  let fresh = false;
  try {
    fresh = Date.now() - statSync(path).mtimeMs < STALE_MS;
  } catch {
    return false;
  }
  if (holder.host !== hostname()) return fresh;
  if (holder.pid === process.pid) return false; // a previous run of this container's pid 1
  try {
    process.kill(holder.pid, 0);
    return fresh;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" && fresh;
  }
}
