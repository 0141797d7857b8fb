// How the app reaches the embedded database, against the alternatives, in one run: PGlite called
// in-process (the baseline: no socket, but every query runs on the request thread), the app's
// own thread with its wire sessions (server/db/wire-sessions.ts), and, when a folder holding
// `@electric-sql/pglite-socket` is given, that package serving a PGlite of its own thread the
// same way. Clients are postgres.js pools of 4, as in the app. Besides speed it counts wrong
// answers: a query must get its own result back when pooled connections interleave.
//
//   npx bun bench/wire-alternatives.ts
//   npx bun bench/wire-alternatives.ts /tmp/socket   # after, in /tmp/socket:
//                                                    # npm init -y && npm i @electric-sql/pglite-socket
// (pglite-socket pins its own PGlite version, so it is not a dependency of the app.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { startPgliteThread } from "../server/db/pglite-thread.ts";
import { table } from "./lib.ts";

const SEQUENTIAL = 2_000;
const CLIENTS = 8;

interface Served {
  path: string;
  stop(): Promise<void>;
}

async function appThread(): Promise<Served> {
  const thread = startPgliteThread(undefined);
  await thread.ready;
  return { path: thread.socketPath, stop: () => thread.close() };
}

/** pglite-socket in a thread of its own, its modules resolved from `folder`. */
function socketPackage(folder: string): () => Promise<Served> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "desktrust-wire-"));
    const path = join(dir, ".s.PGSQL.5432");
    const script = join(resolve(folder), "desktrust-wire-bench-worker.mjs");
    writeFileSync(
      script,
      `import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
self.onmessage = async (e) => {
  const db = await PGlite.create();
  await new PGLiteSocketServer({ db, path: e.data.path, maxConnections: 100 }).start();
  self.postMessage("ready");
};
`,
    );
    const worker = new Worker(script);
    await new Promise<void>((ready) => {
      worker.onmessage = () => ready();
      worker.postMessage({ path });
    });
    return {
      path,
      stop: async () => {
        worker.terminate();
        rmSync(dir, { recursive: true, force: true });
        rmSync(script, { force: true });
      },
    };
  };
}

/** Microseconds per query, one after another, through PGlite's own API on this thread. */
async function inProcess(): Promise<number> {
  const pg = await PGlite.create();
  await pg.query("select 1");
  const started = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) await pg.query("select $1::int as n", [i]);
  const us = ((performance.now() - started) * 1000) / SEQUENTIAL;
  await pg.close();
  return us;
}

interface Result {
  sequentialUs: number;
  preparedQps: number;
  preparedWrong: number;
  distinctQps: number;
  distinctWrong: number;
  transactionsPerS: number;
  transactionErrors: number;
  answersAfterErrors: boolean;
}

async function measure(open: () => Promise<Served>): Promise<Result> {
  const served = await open();
  const sql = postgres({ path: served.path, user: "postgres", database: "postgres", max: 4, onnotice: () => {} });
  try {
    await sql`select 1`;
    let started = performance.now();
    for (let i = 0; i < SEQUENTIAL; i++) await sql`select ${i}::int as n`;
    const sequentialUs = ((performance.now() - started) * 1000) / SEQUENTIAL;

    // The same statement from every client: prepared once per connection, then Bind/Execute.
    let wrong = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < 250; i++) {
          const v = c * 100_000 + i;
          const [row] = await sql`select ${v}::int as n, ${String(v)}::text as s`;
          if (row?.n !== v || row?.s !== String(v)) wrong++;
        }
      }),
    );
    const preparedQps = (CLIENTS * 250) / ((performance.now() - started) / 1000);
    const preparedWrong = wrong;

    // A new statement every time (Parse and Describe, then Bind after a round trip to the client):
    // what an app issues for queries it builds, and where interleaved connections can clobber
    // each other's unnamed statement.
    wrong = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < 125; i++) {
          const v = c * 100_000 + i;
          const [row] = await sql.unsafe(`select $1::int as n, 'c${c}-${i}'::text as s`, [v], { prepare: false });
          if (row?.n !== v || row?.s !== `c${c}-${i}`) wrong++;
        }
      }),
    );
    const distinctQps = (CLIENTS * 125) / ((performance.now() - started) / 1000);

    await sql`create table wire_bench (k int primary key, v int)`;
    let transactionErrors = 0;
    started = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async (_, c) => {
        for (let i = 0; i < 50; i++) {
          await sql
            .begin(async (tx) => {
              await tx`insert into wire_bench values (${c * 1000 + i}, ${i})`;
              const [row] = await tx`select count(*)::int as n from wire_bench where k = ${c * 1000 + i}`;
              if (row?.n !== 1) throw new Error("own insert not seen");
            })
            .catch(() => transactionErrors++);
        }
      }),
    );
    const transactionsPerS = 200 / ((performance.now() - started) / 1000);
    const [count] = await sql`select count(*)::int as n from wire_bench`;
    if (count?.n !== 200) transactionErrors += 200 - (count?.n ?? 0);

    await Promise.allSettled(
      Array.from({ length: CLIENTS }, (_, c) => (c % 2 ? sql.unsafe("select * from no_such_table") : sql`select 1`)),
    );
    const answersAfterErrors = await Promise.race([
      sql`select 42 as n`.then((rows) => rows[0]?.n === 42),
      Bun.sleep(3_000).then(() => false),
    ]);
    return {
      sequentialUs,
      preparedQps,
      preparedWrong,
      distinctQps,
      distinctWrong: wrong,
      transactionsPerS,
      transactionErrors,
      answersAfterErrors,
    };
  } finally {
    await Promise.race([sql.end({ timeout: 2 }), Bun.sleep(3_000)]);
    await served.stop();
  }
}

const folder = process.argv[2];
const baselineUs = await inProcess();
const rows: (string | number)[][] = [];
const add = (name: string, r: Result): void => {
  rows.push([
    name,
    `${r.sequentialUs.toFixed(0)} µs (${(r.sequentialUs / baselineUs).toFixed(2)}×)`,
    `${r.preparedQps.toFixed(0)} q/s, ${r.preparedWrong} wrong`,
    `${r.distinctQps.toFixed(0)} q/s, ${r.distinctWrong} wrong`,
    `${r.transactionsPerS.toFixed(0)} tx/s, ${r.transactionErrors} failed`,
    r.answersAfterErrors ? "yes" : "no",
  ]);
};
add("app thread + wire sessions", await measure(appThread));
if (folder) add("pglite-socket, own thread", await measure(socketPackage(folder)));
console.log(
  `\nReaching the embedded database (postgres.js, pools of 4; baseline: PGlite in-process, ${baselineUs.toFixed(0)} µs per query, every one on the request thread)\n`,
);
console.log(
  table(
    [
      "server",
      "one at a time",
      `${CLIENTS} clients, same statement`,
      `${CLIENTS} clients, new statements`,
      "4 clients, transactions",
      "answers after errors",
    ],
    rows,
  ),
);
if (!folder) console.log("\n(pass a folder holding @electric-sql/pglite-socket to compare with it)");
process.exit(0);
