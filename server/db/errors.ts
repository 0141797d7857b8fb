/** The kinds of constraint violation a caller may turn into a 4xx instead of a 500. */
export type DbErrorKind = "unique" | "not-null" | "foreign-key" | "check" | "invalid-text" | "other";

const codes: Record<string, DbErrorKind> = {
  "23505": "unique",
  "23502": "not-null",
  "23503": "foreign-key",
  "23514": "check",
  "22P02": "invalid-text",
  "22007": "invalid-text",
  "22008": "invalid-text",
};

/** Classifies a database error from either driver (Drizzle wraps the driver's error as `cause`). */
export function classifyDbError(error: unknown): { kind: DbErrorKind; constraint?: string } {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      const constraint =
        (e as { constraint_name?: string; constraint?: string }).constraint_name ??
        (e as { constraint?: string }).constraint;
      return { kind: codes[code] ?? "other", ...(constraint ? { constraint } : {}) };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return { kind: "other" };
}

export function isUniqueViolation(error: unknown): boolean {
  return classifyDbError(error).kind === "unique";
}

// Driver and server codes that mean "the database cannot be reached right now", as opposed to
// a query that is wrong: connection refused or lost, timeouts, a server shutting down or full.
const unavailableCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ENOENT", // the embedded database's socket is gone
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

/** The driver's own error when the database cannot be reached, else `undefined`. */
export function databaseUnavailable(error: unknown): { code: string; message: string } | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCodes.has(code)) {
      return { code, message: (e as { message?: string }).message ?? code };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
