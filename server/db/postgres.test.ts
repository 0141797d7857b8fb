import { afterAll, describe, expect, it } from "bun:test";
import postgres from "postgres";
import { type PgliteThread, startPgliteThread } from "./pglite-thread.ts";
import { type ArrayTypeOptions, readArrayTypesOnce } from "./postgres.ts";

// On Postgres when TEST_DATABASE_URL is set, else on the embedded database's own socket.
let thread: PgliteThread | undefined;
afterAll(async () => {
  await thread?.close();
});

async function client(debug: (query: string) => void): Promise<postgres.Sql> {
  const url = process.env.TEST_DATABASE_URL;
  const options = { max: 4, onnotice: () => {}, debug: (_: number, query: string) => debug(query) };
  if (url) return postgres(url, options);
  thread = startPgliteThread(undefined);
  await thread.ready;
  return postgres({ ...options, path: thread.socketPath, user: "postgres", database: "postgres" });
}

describe("array types", () => {
  it("are read from the catalog by the pool's first connection only, and every connection parses arrays", async () => {
    let reads = 0;
    const sql = await client((query) => {
      if (query.includes("typarray")) reads++;
    });
    try {
      readArrayTypesOnce(sql.options as unknown as ArrayTypeOptions);
      const [first] = await sql`select array['a', 'b']::text[] as xs`;
      expect(first?.xs).toEqual(["a", "b"]);
      // Three at once, each holding its connection a moment: the pool opens more connections.
      const rows = await Promise.all(
        [1, 2, 3].map(
          () => sql`select pg_sleep(0.05), array[gen_random_uuid()]::uuid[] as ids, pg_backend_pid() as pid`,
        ),
      );
      for (const [row] of rows) expect(Array.isArray(row?.ids)).toBe(true);
      expect(reads).toBe(1);
    } finally {
      await sql.end();
    }
  });
});
