import { inArray } from "drizzle-orm";
import { EmptyState, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { page } from "../http/render.tsx";
import { people } from "../people/schema.ts";
import { type AuditEntry, recentAudit } from "./audit.ts";

function AuditTable(props: { entries: AuditEntry[]; names: Map<string, string>; timeZone: string }): SafeHtml {
  if (!props.entries.length) return <EmptyState title="Nothing recorded yet." />;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Latest administrative changes</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr>
              <td class="small">{formatInstant(e.at, props.timeZone)}</td>
              <td>{e.actorId ? (props.names.get(e.actorId) ?? "(removed)") : "system"}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.target ?? ""}</td>
              <td class="small muted">{Object.keys(e.details).length ? JSON.stringify(e.details) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function auditRoutes(r: Routes): void {
  r.get("/admin/audit", "admin", async (c) => {
    const ctx = c.get("app");
    const entries = await recentAudit(ctx.db, 200);
    const ids = [...new Set(entries.map((e) => e.actorId).filter((id): id is string => id !== null))];
    const names = ids.length
      ? new Map(
          (await ctx.db.select({ id: people.id, name: people.name }).from(people).where(inArray(people.id, ids))).map(
            (p) => [p.id, p.name],
          ),
        )
      : new Map<string, string>();
    return page(
      c,
      <>
        <PageHeader title="Audit log" />
        <p class="muted">The latest 200 administrative changes, newest first.</p>
        <AuditTable entries={entries} names={names} timeZone={c.get("viewer")?.timeZone ?? "UTC"} />
      </>,
      { title: "Audit log" },
    );
  });
}
