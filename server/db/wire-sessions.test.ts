import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { pgliteTemplate } from "./pglite-template.ts";
import { WireSessions } from "./wire-sessions.ts";

// Many postgres.js connections share PGlite's single backend session through WireSessions.
describe("wire sessions over the embedded database", () => {
  let pg: PGlite;
  let server: Server;
  let sessions: WireSessions;
  const dir = mkdtempSync(join(tmpdir(), "desktrust-wire-"));
  const path = join(dir, ".s.PGSQL.5432");
  const client = (max: number) => postgres({ path, max, user: "postgres", database: "postgres", onnotice: () => {} });

  beforeAll(async () => {
    pg = await PGlite.create({ loadDataDir: await pgliteTemplate() });
    sessions = new WireSessions({ exec: (m) => pg.execProtocolRaw(m), inTransaction: () => pg.isInTransaction() });
    server = createServer((socket) => sessions.attach(socket));
    await new Promise<void>((ok) => server.listen(path, () => ok()));
  }, 60_000);
  afterAll(async () => {
    server.close();
    await sessions.close();
    await pg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("never interleaves one connection's extended-protocol batch with another's", async () => {
    const sql = client(8);
    try {
      // Each query prepares its own statement shape; interleaved Parse/Bind across connections
      // would bind one query's parameters to another's statement and return the wrong value.
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          i % 2
            ? sql.unsafe("select $1::int + 0 as v", [i]).then((r) => r[0]?.v)
            : sql
                .unsafe("select ($1::text)::int as v, $2::text as pad", [String(i), "x".repeat(i % 50)])
                .then((r) => r[0]?.v),
        ),
      );
      for (const [i, v] of results.entries()) expect(v).toBe(i);
    } finally {
      await sql.end();
    }
  });

  it("keeps a transaction to its connection: others wait, then see only what it committed", async () => {
    const sql = client(4);
    try {
      await sql`create table wire_check (id int primary key)`;
      const order: string[] = [];
      const tx = sql.begin(async (t) => {
        await t`insert into wire_check values (1)`;
        await Bun.sleep(50);
        order.push("tx");
        await t`insert into wire_check values (2)`;
      });
      await Bun.sleep(10);
      const read = sql`select count(*)::int as n from wire_check`.then((r) => {
        order.push("read");
        return r[0]?.n;
      });
      await tx;
      expect(await read).toBe(2);
      expect(order).toEqual(["tx", "read"]);
    } finally {
      await sql.end();
    }
  });

  it("rolls back what a dropped connection left open and serves the others", async () => {
    const quitter = client(1);
    const other = client(1);
    try {
      await quitter`create table wire_drop (id int primary key)`;
      const left = quitter.begin(async (t) => {
        await t`insert into wire_drop values (1)`;
        await quitter.end({ timeout: 0 });
        await Bun.sleep(1000);
      });
      await left.catch(() => {});
      const [row] = await other`select count(*)::int as n from wire_drop`;
      expect(row?.n).toBe(0);
    } finally {
      await other.end();
    }
  });
});
