import { type DbOrTx, organization } from "../../server/plugin-api.ts";
import type { CalendarAuditSettings } from "./settings.ts";

export { rowsOf } from "../../server/plugin-api.ts";

/**
 * The email domains that count as internal: the organization's own plus any an admin added in
 * the plugin's settings.
 */
export async function orgDomains(
  db: DbOrTx,
  settings: Pick<CalendarAuditSettings, "orgEmailDomains">,
): Promise<Set<string>> {
  const [org] = await db.select({ emailDomains: organization.emailDomains }).from(organization);
  const domains = new Set<string>();
  for (const d of org?.emailDomains ?? []) domains.add(d.trim().toLowerCase());
  for (const d of settings.orgEmailDomains.split(","))
    if (d.trim()) domains.add(d.trim().toLowerCase().replace(/^@/, ""));
  return domains;
}
