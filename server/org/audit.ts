import { desc } from "drizzle-orm";
import type { Db, DbOrTx } from "../db/index.ts";
import { auditLog } from "./schema.ts";

export type AuditEntry = typeof auditLog.$inferSelect;

/** Records an administrative change; call it inside the change's transaction. */
export async function audit(
  db: DbOrTx,
  entry: { actorId: string | null; action: string; target?: string; details?: Record<string, unknown>; at: Date },
): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? {},
    at: entry.at,
  });
}

export async function recentAudit(db: Db, limit = 200): Promise<AuditEntry[]> {
  return db.select().from(auditLog).orderBy(desc(auditLog.at)).limit(limit);
}
