import { afterAll, describe, expect, it } from "bun:test";
import { sql } from "drizzle-orm";
import { freshDatabase } from "../testing/database.ts";
import { type Database, openDatabase } from "./index.ts";
import { rowsOf } from "./rows.ts";

// Both policies on the database the suite runs on (embedded PGlite, or Postgres when
// TEST_DATABASE_URL is set): a query through the outer handle inside a transaction never
// deadlocks and never runs outside the transaction unnoticed.
const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

async function database(policy: "route" | "throw", onRouted?: (site: string) => void): Promise<Database> {
  const base = await freshDatabase();
  opened.push(base);
  const url = (base as { url?: string }).url;
  if (policy === "throw" || !url) {
    if (policy === "throw") return base;
    // Embedded: the fresh database refuses; open a routing one the same way the server does.
    const routing = await openDatabase({ outerQueries: "route", ...(onRouted ? { onRoutedQuery: onRouted } : {}) });
    opened.push(routing);
    return routing;
  }
  const routing = await openDatabase({
    url,
    maxConnections: 3,
    outerQueries: "route",
    ...(onRouted ? { onRoutedQuery: onRouted } : {}),
  });
  opened.push(routing);
  return routing;
}

const count = async (d: Database): Promise<number> =>
  rowsOf<{ n: number }>(await d.db.execute(sql`select count(*)::int as n from scope_check`))[0]?.n ?? -1;

describe("one transaction discipline", () => {
  it("refuses a query through the outer handle inside a transaction, naming the call site, and rolls back", async () => {
    const d = await database("throw");
    await d.db.execute(sql`create table scope_check (id int primary key)`);
    const attempt = d.db.transaction(async (tx) => {
      await tx.execute(sql`insert into scope_check values (1)`);
      await d.db.execute(sql`select 1`);
    });
    const error = await attempt.then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).not.toBeNull();
    const text = `${error?.message} ${String((error?.cause as Error | undefined)?.message ?? "")}`;
    expect(text).toContain("outer database handle inside a transaction");
    expect(await count(d)).toBe(0);
  });

  it("routes such a query into the open transaction, where it sees the transaction's writes, and reports where it came from", async () => {
    const sites: string[] = [];
    const d = await database("route", (site) => sites.push(site));
    await d.db.execute(sql`create table scope_check (id int primary key)`);
    const seen = await d.db.transaction(async (tx) => {
      await tx.execute(sql`insert into scope_check values (1)`);
      // Without routing this waits for the transaction (embedded) or misses its insert (Postgres).
      return rowsOf<{ n: number }>(await d.db.execute(sql`select count(*)::int as n from scope_check`))[0]?.n;
    });
    expect(seen).toBe(1);
    expect(sites).toHaveLength(1);
    // Named by its caller's frame where the stack has it, else by the query's text.
    expect(sites[0]).toMatch(/transaction-scope\.test\.ts|select count\(\*\)::int as n from scope_check/);
  });

  it("turns a nested transaction through the outer handle into a savepoint of the open one", async () => {
    const d = await database("route");
    await d.db.execute(sql`create table scope_check (id int primary key)`);
    await d.db
      .transaction(async (tx) => {
        await tx.execute(sql`insert into scope_check values (1)`);
        await d.db.transaction(async (inner) => {
          await inner.execute(sql`insert into scope_check values (2)`);
        });
        throw new Error("roll everything back");
      })
      .catch(() => {});
    expect(await count(d)).toBe(0);
  });

  it("lets work started inside a transaction use the outer handle once it has committed", async () => {
    const d = await database("throw");
    await d.db.execute(sql`create table scope_check (id int primary key)`);
    let later: Promise<unknown> = Promise.resolve();
    await d.db.transaction(async (tx) => {
      await tx.execute(sql`insert into scope_check values (1)`);
      later = (async () => {
        await Bun.sleep(20);
        await d.db.execute(sql`insert into scope_check values (2)`);
      })();
    });
    await later;
    expect(await count(d)).toBe(2);
  });

  it("keeps serving other callers while a transaction is open, and they see only committed rows", async () => {
    const d = await database("throw");
    await d.db.execute(sql`create table scope_check (id int primary key)`);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const tx = d.db.transaction(async (t) => {
      await t.execute(sql`insert into scope_check values (1)`);
      await gate;
    });
    await Bun.sleep(20);
    const reads = Promise.all(Array.from({ length: 20 }, () => count(d)));
    release();
    await tx;
    for (const n of await reads) expect([0, 1]).toContain(n);
    expect(await count(d)).toBe(1);
  });
});
