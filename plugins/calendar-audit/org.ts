import { sql } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import type { CalendarAuditSettings } from "./settings.ts";

/** Rows of a raw query on either driver (postgres.js gives an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * The email domains that count as internal: the organization's own (read from core's
 * `organization` table, which the plugin API does not export) plus any an admin added in the
 * plugin's settings.
 */
export async function orgDomains(
  db: DbOrTx,
  settings: Pick<CalendarAuditSettings, "orgEmailDomains">,
): Promise<Set<string>> {
  const rows = rowsOf<{ email_domains: string[] | null }>(
    await db.execute(sql`select email_domains from organization limit 1`),
  );
  const domains = new Set<string>();
  for (const d of rows[0]?.email_domains ?? []) domains.add(d.trim().toLowerCase());
  for (const d of settings.orgEmailDomains.split(","))
    if (d.trim()) domains.add(d.trim().toLowerCase().replace(/^@/, ""));
  return domains;
}
