import { and, eq, inArray, sql } from "drizzle-orm";
import { type DbOrTx, type NewNotification, type PluginServices, teamMembers } from "../../server/plugin-api.ts";
import { asks, clockAlerts, clocks } from "./schema.ts";

const BATCH = 2000;

/**
 * Claims every warning or breach that is due and not yet notified, in batches. `warn_at` / `due_at`
 * were stored when the clock started or resumed, so finding them is an indexed range query; the
 * (clock, kind) primary key of the alert row makes each alert happen once across runs and
 * instances. Notifications go out in the same transaction as the claim.
 */
export async function sendAlerts(s: PluginServices, now: Date): Promise<{ warnings: number; breaches: number }> {
  let warnings = 0;
  let breaches = 0;
  for (const kind of ["warning", "breach"] as const) {
    for (;;) {
      const sent = await s.transaction(async (tx) => {
        const claimed = await claim(tx, kind, now);
        if (claimed.length) await notifyClaimed(tx, s, kind, claimed);
        return claimed.length;
      });
      if (kind === "warning") warnings += sent;
      else breaches += sent;
      if (sent < BATCH) break;
    }
  }
  return { warnings, breaches };
}

async function claim(tx: DbOrTx, kind: "warning" | "breach", now: Date): Promise<string[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const column = kind === "warning" ? sql`warn_at` : sql`due_at`;
  // A clock already past due gets its breach, not a late warning.
  const notBreached = kind === "warning" ? sql`and (c.due_at is null or c.due_at > ${at})` : sql``;
  const rows = await tx.execute(sql`
    insert into ${clockAlerts} (clock_id, kind, created_at)
    select c.id, ${kind}, ${at} from ${clocks} c
    where c.state = 'running' and c.${column} <= ${at} ${notBreached}
      and not exists (select 1 from ${clockAlerts} a where a.clock_id = c.id and a.kind = ${kind})
    order by c.${column}
    limit ${BATCH}
    on conflict do nothing
    returning clock_id`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { clock_id: string }[];
  return list.map((r) => r.clock_id);
}

async function notifyClaimed(
  tx: DbOrTx,
  s: PluginServices,
  kind: "warning" | "breach",
  clockIds: string[],
): Promise<void> {
  const rows = await tx
    .select({
      id: clocks.id,
      responderId: clocks.responderId,
      teamId: clocks.teamId,
      title: asks.title,
      link: asks.link,
      source: asks.source,
      sourceRef: asks.sourceRef,
      dueAt: clocks.dueAt,
    })
    .from(clocks)
    .innerJoin(asks, eq(asks.id, clocks.askId))
    .where(inArray(clocks.id, clockIds));
  const managersByTeam = new Map<string, string[]>();
  // Responders another plugin exempts (a new hire's first two weeks) are not escalated.
  const exempt =
    kind === "breach"
      ? await s.exempted(tx, "ask-escalations", [...new Set(rows.map((r) => r.responderId))], s.clock.now())
      : new Set<string>();
  if (kind === "breach") {
    const teamIds = [...new Set(rows.map((r) => r.teamId))];
    const managers = await tx
      .select({ teamId: teamMembers.teamId, personId: teamMembers.personId })
      .from(teamMembers)
      .where(and(inArray(teamMembers.teamId, teamIds), eq(teamMembers.isManager, true)));
    for (const m of managers) managersByTeam.set(m.teamId, [...(managersByTeam.get(m.teamId) ?? []), m.personId]);
  }
  const notifications: NewNotification[] = [];
  for (const r of rows) {
    // For subscribers outside the plugin (outgoing webhooks, chat): stored with the claim.
    await s.emit(tx, kind === "warning" ? "sla.warning" : "sla.breached", {
      clockId: r.id,
      askId: r.sourceRef,
      source: r.source,
      teamId: r.teamId,
      responderId: r.responderId,
      title: r.title,
      link: r.link,
      dueAt: r.dueAt?.toISOString() ?? null,
    });
    notifications.push({
      personId: r.responderId,
      title: kind === "warning" ? `Due soon: ${r.title}` : `Response time passed: ${r.title}`,
      body:
        kind === "warning"
          ? "Most of the response time for this ask has passed. Answer it, or say when you will."
          : "The published response time for this ask has passed. Answer it, or tell the asker when you will.",
      link: r.link.startsWith("/") ? r.link : "/sla",
      dedupeKey: `sla:${kind}:${r.id}`,
      kind: kind === "warning" ? "sla-warning" : "sla-breach",
      // An ask from a status update can be answered straight from chat.
      ...(r.source === "status-updates" ? { action: { type: "answer-ask" as const, askId: r.sourceRef } } : {}),
    });
    for (const managerId of exempt.has(r.responderId) ? [] : (managersByTeam.get(r.teamId) ?? [])) {
      if (managerId === r.responderId) continue;
      notifications.push({
        personId: managerId,
        title: `An ask on your team passed its response time: ${r.title}`,
        body: "See the team's SLA board for what is waiting and on whom.",
        link: `/sla/teams/${r.teamId}/board`,
        dedupeKey: `sla:breach:${r.id}:manager:${managerId}`,
        kind: "sla-breach",
      });
    }
  }
  // One batch per claim round: a few statements, not two per person.
  await s.notifyMany(tx, notifications);
}
