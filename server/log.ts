import type { LogLevel } from "./config.ts";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line, e.g. `{ plugin: "sla" }`. */
  child(fields: Record<string, unknown>): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Structured logs: one JSON object per line on stdout. */
export function createLogger(
  level: LogLevel,
  base: Record<string, unknown> = {},
  write: (line: string) => void = writeStdout,
): Logger {
  const min = rank[level];
  const emit = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>): void => {
    if (rank[lvl] < min) return;
    const entry = { time: new Date().toISOString(), level: lvl, msg, ...base, ...fields };
    // The request line, written for every request, has only plain values: no replacer to call
    // for each key. Anything that may hold an error somewhere inside goes through it.
    write(JSON.stringify(entry, plain(fields) ? undefined : errorReplacer));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/**
 * Lines written in one turn of the event loop go out in one write: under load the request line
 * costs a system call per request otherwise. Whatever is pending is written before the process
 * exits.
 */
let pending: string[] = [];
function writeStdout(line: string): void {
  if (pending.length === 0) setImmediate(flushStdout);
  pending.push(line);
}
function flushStdout(): void {
  if (pending.length === 0) return;
  const lines = pending;
  pending = [];
  process.stdout.write(`${lines.join("\n")}\n`);
}
process.on("exit", flushStdout);

function plain(fields: Record<string, unknown> | undefined): boolean {
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === "object" && value !== null) return false;
  }
  return true;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
