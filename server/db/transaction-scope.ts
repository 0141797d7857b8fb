import { AsyncLocalStorage } from "node:async_hooks";
import type { Sql } from "postgres";

/**
 * What happens to a query sent through the outer database handle while the caller is inside a
 * transaction. On the embedded database such a query waits for the transaction that is waiting
 * for it — a deadlock that freezes the server; on Postgres it silently runs outside the
 * transaction. `"route"` runs it in the transaction instead (and reports the call site);
 * `"throw"` fails it with an error naming the call site (tests use this to find such code).
 */
export type OuterQueryPolicy = "route" | "throw";

export interface TransactionScopeOptions {
  policy: OuterQueryPolicy;
  /** Told where a routed query came from (once per call site). */
  onRouted?: (site: string) => void;
}

interface Scope {
  client: Sql;
  open: boolean;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Raised for a query through the outer handle inside a transaction, under the "throw" policy. */
export class OuterQueryInTransactionError extends Error {
  constructor(readonly site: string) {
    super(
      `A query went through the outer database handle inside a transaction (${site}). ` +
        "Inside db.transaction(async (tx) => …) every query must use tx.",
    );
    this.name = "OuterQueryInTransactionError";
  }
}

/**
 * Wraps the postgres.js client that Drizzle's outer handle uses so that every transaction it
 * opens marks its async context, and a query through the outer handle from inside that context
 * is routed into the transaction or refused, per the policy.
 */
export function scopeTransactions(client: Sql, options: TransactionScopeOptions): Sql {
  const reported = new Set<string>();
  const inside = (): Scope | undefined => {
    const scope = scopes.getStore();
    return scope?.open ? scope : undefined;
  };
  const misuse = (scope: Scope, query?: unknown): Sql => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 60;
    // An awaited Drizzle query starts from a microtask, where the caller's frame is gone: then
    // the query text is what identifies it.
    const site =
      callSite(new Error().stack ?? "") ??
      `the query "${String(typeof query === "string" ? query : "(tagged template)").slice(0, 160)}"`;
    Error.stackTraceLimit = limit;
    if (options.policy === "throw") throw new OuterQueryInTransactionError(site);
    if (!reported.has(site)) {
      reported.add(site);
      options.onRouted?.(site);
    }
    return scope.client;
  };
  // The driver's own methods, captured once: a caller that wraps `unsafe` on the outer handle
  // (a test counting queries) wraps ours, and ours never calls back into the wrapper.
  const unsafe = client.unsafe.bind(client);
  const replaced = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    set(_target, property, value) {
      replaced.set(property, value);
      return true;
    },
    apply(target, thisArg, args) {
      const scope = inside();
      return Reflect.apply(scope ? misuse(scope) : target, thisArg, args);
    },
    get(target, property, receiver) {
      if (replaced.has(property)) return replaced.get(property);
      if (property === "unsafe") {
        return (...args: Parameters<Sql["unsafe"]>) => {
          const scope = inside();
          return scope ? misuse(scope, args[0]).unsafe(...args) : unsafe(...args);
        };
      }
      if (property === "begin") {
        return (...args: unknown[]) => {
          const callback = args.pop() as (sql: Sql) => Promise<unknown>;
          const scope = inside();
          // A nested transaction through the outer handle becomes a savepoint of the open one.
          if (scope)
            return (misuse(scope) as unknown as { savepoint: (cb: typeof callback) => unknown }).savepoint(callback);
          return (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, (sql: Sql) => {
            const opened: Scope = { client: sql, open: true };
            return scopes.run(opened, async () => {
              try {
                return await callback(sql);
              } finally {
                // Work started inside but still running after commit uses the outer handle again.
                opened.open = false;
              }
            });
          });
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** The first stack frame outside the database layer and dependencies: where the query was built. */
function callSite(stack: string): string | undefined {
  const frames = stack.split("\n").slice(1);
  const own = frames.find(
    (f) => !f.includes("node_modules") && !f.includes("/server/db/") && !f.includes("native") && /\.(tsx?|js)/.test(f),
  );
  return own?.trim().replace(/^at\s+/, "");
}
