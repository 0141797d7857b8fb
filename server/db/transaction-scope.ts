import { AsyncLocalStorage } from "node:async_hooks";
import type { Sql } from "postgres";
import { changesData, type StatementEvents } from "./statements.ts";

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
  /** Told of every statement, and of changes once they are visible (a page cache). */
  statements?: StatementEvents;
}

interface Scope {
  client: Sql;
  open: boolean;
  /** Statements of this transaction that may have changed data. */
  changed: string[];
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
  const events = options.statements;
  return new Proxy(client, {
    set(_target, property, value) {
      replaced.set(property, value);
      return true;
    },
    apply(target, thisArg, args) {
      const scope = inside();
      if (scope) return Reflect.apply(misuse(scope), thisArg, args);
      const text = events?.observed ? templateText(args[0]) : undefined;
      if (text === undefined) return Reflect.apply(target, thisArg, args);
      return observeOuter(events as StatementEvents, text, Reflect.apply(target, thisArg, args));
    },
    get(target, property, receiver) {
      if (replaced.has(property)) return replaced.get(property);
      if (property === "unsafe") {
        return (...args: Parameters<Sql["unsafe"]>) => {
          const scope = inside();
          if (scope) return misuse(scope, args[0]).unsafe(...args);
          if (!events?.observed) return unsafe(...args);
          return observeOuter(events, args[0], unsafe(...args));
        };
      }
      if (property === "begin") {
        return (...args: unknown[]) => {
          const callback = args.pop() as (sql: Sql) => Promise<unknown>;
          const scope = inside();
          // A nested transaction through the outer handle becomes a savepoint of the open one.
          if (scope)
            return (misuse(scope) as unknown as { savepoint: (cb: typeof callback) => unknown }).savepoint(callback);
          const opened: Scope = { client: undefined as unknown as Sql, open: true, changed: [] };
          const ended = (): void => {
            if (events && opened.changed.length > 0) events.changed(opened.changed);
          };
          return (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, (sql: Sql) => {
            const tx = events ? observeTransaction(sql, events, opened.changed) : sql;
            opened.client = tx;
            return scopes.run(opened, async () => {
              try {
                return await callback(tx);
              } finally {
                // Work started inside but still running after commit uses the outer handle again.
                opened.open = false;
              }
            });
          }).then(
            (result) => {
              ended();
              return result;
            },
            (error: unknown) => {
              ended();
              throw error;
            },
          );
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** The text of a tagged-template call (`sql\`select …\``); `undefined` for helper calls like `sql(name)`. */
function templateText(first: unknown): string | undefined {
  return Array.isArray(first) && "raw" in first ? first.join("$") : undefined;
}

/**
 * Tells the observers a statement outside a transaction is sent, and when one that may change
 * data has finished. postgres.js queries run when first awaited, so the query's own `then` is
 * wrapped rather than called.
 */
function observeOuter<Q>(events: StatementEvents, text: string, query: Q): Q {
  events.sent(text);
  if (!changesData(text)) return query;
  const pending = query as unknown as PromiseLike<unknown> & { then: PromiseLike<unknown>["then"] };
  const then = pending.then;
  const done = (): void => events.changed([text]);
  // biome-ignore lint/suspicious/noThenProperty: the query's own then, wrapped to see it finish
  pending.then = function (this: unknown, onFulfilled, onRejected) {
    return then.call(
      this,
      (value) => {
        done();
        return onFulfilled ? onFulfilled(value) : (value as never);
      },
      (error: unknown) => {
        done();
        if (onRejected) return onRejected(error);
        throw error;
      },
    );
  } as typeof then;
  return query;
}

/** A transaction's client that tells the observers what it sends and keeps what may change data. */
function observeTransaction(sql: Sql, events: StatementEvents, changed: string[]): Sql {
  const note = (text: string | undefined): void => {
    if (text === undefined) return;
    events.sent(text);
    if (changesData(text)) changed.push(text);
  };
  return new Proxy(sql, {
    apply(target, thisArg, args) {
      note(templateText(args[0]));
      return Reflect.apply(target, thisArg, args);
    },
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (...args: Parameters<Sql["unsafe"]>) => {
          note(args[0]);
          return target.unsafe(...args);
        };
      }
      if (property === "savepoint") {
        return (...args: unknown[]) => {
          const callback = args.pop() as (sql: Sql) => Promise<unknown>;
          const savepoint = (target as unknown as { savepoint: (...a: unknown[]) => Promise<unknown> }).savepoint;
          return savepoint.call(target, ...args, (inner: Sql) => callback(observeTransaction(inner, events, changed)));
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
