import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import type { Db } from "../db/index.ts";
import { instanceSecrets } from "./schema.ts";

/**
 * A random secret generated once per install and shared by every instance through the
 * database. The first instance to ask creates it; the others read the same row.
 */
export async function installSecret(db: Db, name: string): Promise<string> {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  await db
    .insert(instanceSecrets)
    .values({ name, value: encodeBase64urlNoPadding(bytes) })
    .onConflictDoNothing();
  const [row] = await db.select().from(instanceSecrets).where(eq(instanceSecrets.name, name));
  if (!row) throw new Error(`secret ${name} could not be stored`);
  return row.value;
}
