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

  it("lends the session while a client reads a describe reply, and re-parses its statement after", async () => {
    const other = client(2);
    const slow = await rawClient(path);
    try {
      // A client that is slow to answer the describe (a busy event loop) ...
      const described = await slow.send(
        parse("select $1::int * 2 as v, current_setting('application_name') as app"),
        describeStatement(),
        flush(),
      );
      expect(described.map((m) => m.type)).toEqual(["1", "t", "T"]);
      // ... does not hold the others up: they parse and run their own unnamed statements meanwhile.
      const rows = await Promise.all(Array.from({ length: 20 }, (_, i) => other.unsafe("select $1::int as v", [i])));
      expect(rows.map((r) => r[0]?.v)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      // Its own statement is the one that runs when it binds; it sees one ParseComplete in all.
      const result = await slow.send(bind(["21"]), execute(), sync());
      expect(result.map((m) => m.type)).toEqual(["2", "D", "C", "Z"]);
      expect(result.find((m) => m.type === "D")?.body.toString("latin1")).toContain("42");
    } finally {
      slow.close();
      await other.end();
    }
  });

  it("keeps the session for a client whose describe failed until it syncs", async () => {
    const other = client(1);
    const slow = await rawClient(path);
    try {
      const failed = await slow.send(parse("select from no_such_table where x = $1"), describeStatement(), flush());
      expect(failed.map((m) => m.type)).toEqual(["E"]);
      const read = other.unsafe("select $1::int as v", [7]);
      await Bun.sleep(50);
      const synced = await slow.send(sync());
      expect(synced.map((m) => m.type)).toEqual(["Z"]);
      expect((await read)[0]?.v).toBe(7);
    } finally {
      slow.close();
      await other.end();
    }
  });
});

interface BackendMessage {
  type: string;
  body: Buffer;
}

const message = (type: string, body: Buffer): Buffer => {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const cstr = (text: string): Buffer => Buffer.from(`${text}\0`, "utf8");
const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const parse = (text: string): Buffer => message("P", Buffer.concat([cstr(""), cstr(text), int16(0)]));
const describeStatement = (): Buffer => message("D", Buffer.concat([Buffer.from("S"), cstr("")]));
const flush = (): Buffer => message("H", Buffer.alloc(0));
const sync = (): Buffer => message("S", Buffer.alloc(0));
const execute = (): Buffer => message("E", Buffer.concat([cstr(""), int32(0)]));
const bind = (values: string[]): Buffer =>
  message(
    "B",
    Buffer.concat([
      cstr(""),
      cstr(""),
      int16(0),
      int16(values.length),
      ...values.flatMap((v) => [int32(Buffer.byteLength(v)), Buffer.from(v)]),
      int16(0),
    ]),
  );

/** A hand-driven wire-protocol client: sends messages, collects the reply until it goes quiet. */
async function rawClient(path: string): Promise<{
  send(...messages: Buffer[]): Promise<BackendMessage[]>;
  close(): void;
}> {
  const { connect } = await import("node:net");
  const socket = connect(path);
  let buffer = Buffer.alloc(0);
  let waiter: (() => void) | null = null;
  socket.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    waiter?.();
  });
  const take = async (done: (messages: BackendMessage[]) => boolean): Promise<BackendMessage[]> => {
    for (;;) {
      const messages: BackendMessage[] = [];
      for (let at = 0; at + 5 <= buffer.length; ) {
        const length = buffer.readInt32BE(at + 1);
        if (at + 1 + length > buffer.length) break;
        messages.push({
          type: String.fromCharCode(buffer[at] as number),
          body: buffer.subarray(at + 5, at + 1 + length),
        });
        at += 1 + length;
      }
      if (done(messages)) {
        buffer = Buffer.alloc(0);
        return messages;
      }
      await new Promise<void>((ok) => {
        waiter = ok;
      });
    }
  };
  const startup = Buffer.concat([
    int32(196608),
    cstr("user"),
    cstr("postgres"),
    cstr("database"),
    cstr("postgres"),
    Buffer.from([0]),
  ]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await take((m) => m.some((x) => x.type === "Z"));
  return {
    async send(...messages: Buffer[]): Promise<BackendMessage[]> {
      socket.write(Buffer.concat(messages));
      const last = messages[messages.length - 1]?.[0];
      // A Sync ends with ReadyForQuery; a Flush with the describe reply or an error.
      return take((m) =>
        last === 0x53
          ? m.some((x) => x.type === "Z")
          : m.some((x) => x.type === "E") || m.some((x) => x.type === "T" || x.type === "n"),
      );
    },
    close: () => socket.destroy(),
  };
}
