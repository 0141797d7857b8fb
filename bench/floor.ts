// The floor a signed-in page is compared with: raw Bun.serve plus postgres.js doing one indexed
// session lookup and returning a 14 KB page, on the same database as the app (DATABASE_URL, or
// the embedded database in DATA_DIR). Run by bench/pages.ts as its own process.
import type { Sql } from "postgres";
import { hashToken } from "../server/auth/tokens.ts";
import { openDatabase } from "../server/db/index.ts";

const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR });
// The postgres.js client under Drizzle: no ORM between the request and the database.
const client = (database.db as unknown as { $client: Sql }).$client;
const filler = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>\n";
const page = (name: string): string =>
  `<!doctype html><html lang="en"><head><title>Floor</title></head><body><h1>Hello ${name}</h1>\n${filler.repeat(Math.ceil(14_336 / filler.length))}</body></html>`;

const server = Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  async fetch(req) {
    if (new URL(req.url).pathname === "/healthz") return new Response("ok");
    const token = /(?:^|;\s*)dt_session=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1];
    if (!token) return new Response("sign in", { status: 401 });
    const [row] = await client`select person_id, expires_at from sessions where id = ${hashToken(token)}`;
    if (!row) return new Response("sign in", { status: 401 });
    return new Response(page(String(row.person_id)), { headers: { "Content-Type": "text/html; charset=utf-8" } });
  },
});

process.on("SIGTERM", async () => {
  server.stop(true);
  await database.close();
  process.exit(0);
});
