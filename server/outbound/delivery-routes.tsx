import type { Context } from "hono";
import { ActionButton, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import { type Routes, viewerOf } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { page, redirect } from "../http/render.tsx";
import { audit } from "../org/audit.ts";
import { isUuid } from "../people/people.ts";
import { DeliveryTable, deliveryBadge } from "./delivery-views.tsx";
import { type Delivery, findDelivery, listDeliveries, replayDelivery, replayFailed } from "./outbox.ts";
import { type DeliveryKind, type DeliveryStatus, deliveryKinds, deliveryStatuses } from "./types.ts";

const PAGE_SIZE = 200;

function Filters(props: { status: DeliveryStatus | null; kind: DeliveryKind | null }): SafeHtml {
  const href = (status: string | null, kind: string | null): string => {
    const query = new URLSearchParams();
    if (status) query.set("status", status);
    if (kind) query.set("kind", kind);
    const text = query.toString();
    return text ? `/admin/deliveries?${text}` : "/admin/deliveries";
  };
  return (
    <>
      <nav aria-label="Filter by status" class="filter-tabs">
        <ul>
          {[null, ...deliveryStatuses].map((s) => (
            <li>
              <a href={href(s, props.kind)} aria-current={props.status === s ? "page" : undefined}>
                {s ?? "All"}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <nav aria-label="Filter by kind" class="filter-tabs">
        <ul>
          {[null, ...deliveryKinds].map((k) => (
            <li>
              <a href={href(props.status, k)} aria-current={props.kind === k ? "page" : undefined}>
                {k ?? "Every kind"}
              </a>
            </li>
          ))}
        </ul>
      </nav>
    </>
  );
}

function DeliveryPage(props: { delivery: Delivery; timeZone: string }): SafeHtml {
  const d = props.delivery;
  const at = (date: Date | null): string => (date ? formatInstant(date, props.timeZone) : "—");
  return (
    <>
      <p class="small">
        <a href="/admin/deliveries">← Delivery log</a>
      </p>
      <PageHeader title={d.eventType ?? "Delivery"}>
        {d.status === "sending" ? null : <ActionButton action={`/admin/deliveries/${d.id}/replay`} label="Replay" />}
      </PageHeader>
      <section class="card" aria-label="Delivery">
        <dl class="facts">
          <dt>Status</dt>
          <dd>
            <span class={deliveryBadge[d.status]}>{d.status}</span>
          </dd>
          <dt>Kind</dt>
          <dd>{d.kind}</dd>
          <dt>Id (webhook-id)</dt>
          <dd>
            <code>{d.id}</code>
          </dd>
          <dt>To</dt>
          <dd class="break">
            {d.method} {d.url}
          </dd>
          <dt>Attempts</dt>
          <dd>{d.attempts}</dd>
          <dt>Created</dt>
          <dd>{at(d.createdAt)}</dd>
          <dt>Last attempt</dt>
          <dd>{at(d.lastAttemptAt)}</dd>
          <dt>Delivered</dt>
          <dd>{at(d.deliveredAt)}</dd>
          {d.status === "queued" ? (
            <>
              <dt>Next attempt</dt>
              <dd>{at(d.nextAttemptAt)}</dd>
            </>
          ) : null}
          <dt>Response</dt>
          <dd>{d.responseStatus ? `HTTP ${d.responseStatus}` : "—"}</dd>
          {d.lastError ? (
            <>
              <dt>Last error</dt>
              <dd class="mail-error">{d.lastError}</dd>
            </>
          ) : null}
          <dt>Dedupe key</dt>
          <dd>
            <code>{d.dedupeKey}</code>
          </dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="body-title">
        <h2 id="body-title">Body</h2>
        <pre class="mail">{JSON.stringify(d.body, null, 2)}</pre>
        {d.responseExcerpt ? (
          <>
            <h3>Response (start)</h3>
            <pre class="mail">{d.responseExcerpt}</pre>
          </>
        ) : null}
      </section>
    </>
  );
}

function isStatus(value: string): value is DeliveryStatus {
  return (deliveryStatuses as readonly string[]).includes(value);
}

function isKind(value: string): value is DeliveryKind {
  return (deliveryKinds as readonly string[]).includes(value);
}

function filterOf(c: Context<AppEnv>): { status: DeliveryStatus | null; kind: DeliveryKind | null } {
  const status = c.req.query("status") ?? "";
  const kind = c.req.query("kind") ?? "";
  if (status && !isStatus(status))
    throw new HttpError(400, `Unknown status "${status.slice(0, 40)}": use ${deliveryStatuses.join(", ")}.`);
  if (kind && !isKind(kind))
    throw new HttpError(400, `Unknown kind "${kind.slice(0, 40)}": use ${deliveryKinds.join(", ")}.`);
  return { status: status ? (status as DeliveryStatus) : null, kind: kind ? (kind as DeliveryKind) : null };
}

/** The delivery log of outgoing webhooks and chat posts, with replay. */
export function deliveryRoutes(r: Routes): void {
  r.get("/admin/deliveries", "admin", async (c) => {
    const ctx = c.get("app");
    const filter = filterOf(c);
    const deliveries = await listDeliveries(
      ctx.db,
      { status: filter.status ?? undefined, kind: filter.kind ?? undefined },
      PAGE_SIZE,
    );
    return page(
      c,
      <>
        <p class="small">
          <a href="/admin/webhooks">← Webhooks</a>
        </p>
        <PageHeader title="Delivery log">
          <ActionButton
            action="/admin/deliveries/replay-failed"
            label="Replay every failed delivery"
            fields={filter.kind ? { kind: filter.kind } : {}}
          />
        </PageHeader>
        <p class="muted">
          Outgoing webhooks and chat posts. Failed requests are retried with backoff for 72 hours, then held; replay
          sends one again at once (with the same id, so receivers can tell it is a repeat).
        </p>
        <Filters {...filter} />
        <DeliveryTable deliveries={deliveries} timeZone={c.get("viewer")?.timeZone ?? "UTC"} />
        {deliveries.length === PAGE_SIZE ? <p class="muted small">Showing the newest {PAGE_SIZE} deliveries.</p> : null}
      </>,
      { title: "Delivery log" },
    );
  });

  r.get("/admin/deliveries/:id", "admin", async (c) => {
    const ctx = c.get("app");
    const id = c.req.param("id") ?? "";
    const delivery = isUuid(id) ? await findDelivery(ctx.db, id) : null;
    if (!delivery) throw new HttpError(404, "There is no delivery with that id.");
    return page(c, <DeliveryPage delivery={delivery} timeZone={c.get("viewer")?.timeZone ?? "UTC"} />, {
      title: "Delivery",
    });
  });

  r.post("/admin/deliveries/replay-failed", "admin", async (c) => {
    const ctx = c.get("app");
    const body = await c.req.parseBody();
    const kind = typeof body.kind === "string" && body.kind ? body.kind : null;
    if (kind && !isKind(kind)) throw new HttpError(422, `Unknown kind "${kind.slice(0, 40)}".`);
    const now = ctx.clock.now();
    const count = await ctx.db.transaction(async (tx) => {
      const count = await replayFailed(tx, now, kind ? (kind as DeliveryKind) : undefined);
      if (count > 0)
        await audit(tx, {
          actorId: viewerOf(c).id,
          action: "deliveries.replayed-failed",
          details: { count, kind },
          at: now,
        });
      return count;
    });
    if (count) ctx.outboundKick.kick();
    setFlash(c, count ? "success" : "info", count ? `${count} failed deliveries queued again.` : "Nothing had failed.");
    return redirect(c, kind ? `/admin/deliveries?kind=${kind}` : "/admin/deliveries");
  });

  r.post("/admin/deliveries/:id/replay", "admin", async (c) => {
    const ctx = c.get("app");
    const id = c.req.param("id") ?? "";
    if (!isUuid(id) || !(await findDelivery(ctx.db, id)))
      throw new HttpError(404, "There is no delivery with that id.");
    const now = ctx.clock.now();
    const replayed = await ctx.db.transaction(async (tx) => {
      if (!(await replayDelivery(tx, id, now))) return false;
      await audit(tx, { actorId: viewerOf(c).id, action: "deliveries.replayed", target: id, at: now });
      return true;
    });
    if (!replayed) throw new HttpError(409, "This delivery is being sent right now; try again in a moment.");
    ctx.outboundKick.kick();
    setFlash(c, "success", "Queued again: it goes out now.");
    return redirect(c, `/admin/deliveries/${id}`);
  });
}
