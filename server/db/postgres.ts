import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database, Db } from "./index.ts";

export function openPostgres(url: string, max: number): Database {
  const client = postgres(url, { max, onnotice: () => {} });
  const db = drizzle(client) as unknown as Db;
  return {
    db,
    driver: "postgres",
    close: () => client.end({ timeout: 5 }),
  };
}
