import { ActionButton, EmptyState, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { page, redirect } from "../http/render.tsx";
import { audit } from "../org/audit.ts";
import { isUuid } from "../people/people.ts";
import {
  findOutboxMessage,
  listOutbox,
  type OutboxMessage,
  type OutboxStatus,
  outboxCounts,
  retryAllHeld,
  retryMessage,
} from "./outbox.ts";
import { outboxStatuses } from "./schema.ts";

const statusBadge: Record<OutboxStatus, string> = {
  queued: "badge",
  sending: "badge badge-accent",
  sent: "badge badge-success",
  held: "badge badge-danger",
  dropped: "badge",
  failed: "badge badge-danger",
};

const PAGE_SIZE = 200;

function isOutboxStatus(value: string): value is OutboxStatus {
  return (outboxStatuses as readonly string[]).includes(value);
}

/**
 * Reset links let whoever holds them take over an account. When SMTP delivers mail they reach
 * only the recipient, so admins reading the outbox see them masked; without SMTP the outbox
 * is the only mailbox there is, and they are shown.
 */
function readableText(message: OutboxMessage, delivered: boolean): string {
  if (!delivered || !message.dedupeKey.startsWith("reset:")) return message.text;
  return message.text.replace(
    /\/reset-password\/[A-Za-z0-9]+/g,
    "/reset-password/[hidden: sent only to the recipient]",
  );
}

function NoSmtpBanner(): SafeHtml {
  return (
    <div class="alert alert-warn" role="status">
      <strong>No SMTP server is configured</strong>, so messages are not delivered. They stay here, readable by admins:
      open one to read it. Set <code>SMTP_URL</code> to send mail.
    </div>
  );
}

function StatusFilter(props: { current: OutboxStatus | null; counts: Record<OutboxStatus, number> }): SafeHtml {
  const total = Object.values(props.counts).reduce((a, b) => a + b, 0);
  const links: { href: string; label: string; count: number; current: boolean }[] = [
    { href: "/admin/mail", label: "All", count: total, current: props.current === null },
    ...outboxStatuses.map((s) => ({
      href: `/admin/mail?status=${s}`,
      label: s[0]?.toUpperCase() + s.slice(1),
      count: props.counts[s],
      current: props.current === s,
    })),
  ];
  return (
    <nav aria-label="Filter by status" class="filter-tabs">
      <ul>
        {links.map((l) => (
          <li>
            <a href={l.href} aria-current={l.current ? "page" : undefined}>
              {l.label} <span class="count">{l.count}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function OutboxPage(props: {
  messages: OutboxMessage[];
  status: OutboxStatus | null;
  counts: Record<OutboxStatus, number>;
  hasSmtp: boolean;
  timeZone: string;
}): SafeHtml {
  return (
    <>
      <PageHeader title="Mail" />
      {props.hasSmtp ? null : <NoSmtpBanner />}
      {props.counts.held + props.counts.failed > 0 ? (
        <section class="card" aria-label="Held mail">
          <p>
            {props.counts.held + props.counts.failed} message(s) could not be delivered for 72 hours and are held. Once
            SMTP works again, send them all:
          </p>
          <ActionButton action="/admin/mail/retry-held" label="Retry everything held" />
        </section>
      ) : null}
      <StatusFilter current={props.status} counts={props.counts} />
      {props.messages.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {props.messages.map((m) => (
                <tr>
                  <td>{m.to}</td>
                  <td>
                    <a href={`/admin/mail/${m.id}`}>{m.subject}</a>
                  </td>
                  <td>
                    <span class={statusBadge[m.status]}>{m.status}</span>
                  </td>
                  <td>{m.attempts}</td>
                  <td class="nowrap">{formatInstant(m.createdAt, props.timeZone)}</td>
                  <td class="mail-error">{m.lastError ?? <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : props.status ? (
        <EmptyState title={`No ${props.status} messages.`}>
          <p>
            <a href="/admin/mail">Show all messages</a>
          </p>
        </EmptyState>
      ) : (
        <EmptyState title="The outbox is empty.">
          <p>
            Invites, password resets and digests are queued here, then delivered by a job with retries. Without{" "}
            <code>SMTP_URL</code> the outbox is the mailbox: messages wait here and you read them on this page.
          </p>
        </EmptyState>
      )}
      {props.messages.length === PAGE_SIZE ? <p class="muted small">Showing the newest {PAGE_SIZE} messages.</p> : null}
    </>
  );
}

function MessagePage(props: { message: OutboxMessage; hasSmtp: boolean; timeZone: string }): SafeHtml {
  const m = props.message;
  const at = (d: Date | null): string => (d ? formatInstant(d, props.timeZone) : "—");
  const headers = Object.entries(m.headers);
  return (
    <>
      <p class="small">
        <a href="/admin/mail">← Outbox</a>
      </p>
      <PageHeader title={m.subject}>
        {m.status === "held" || m.status === "failed" ? (
          <ActionButton action={`/admin/mail/${m.id}/retry`} label="Retry now" />
        ) : null}
      </PageHeader>
      {props.hasSmtp ? null : <NoSmtpBanner />}
      <section class="card" aria-label="Headers">
        <dl class="facts">
          <dt>To</dt>
          <dd>{m.to}</dd>
          <dt>Subject</dt>
          <dd>{m.subject}</dd>
          <dt>Status</dt>
          <dd>
            <span class={statusBadge[m.status]}>{m.status}</span>
          </dd>
          <dt>Attempts</dt>
          <dd>{m.attempts}</dd>
          <dt>Created</dt>
          <dd>{at(m.createdAt)}</dd>
          <dt>Sent</dt>
          <dd>{at(m.sentAt)}</dd>
          {props.hasSmtp && (m.status === "queued" || m.status === "sending") ? (
            <>
              <dt>Next attempt</dt>
              <dd>{at(m.nextAttemptAt)}</dd>
            </>
          ) : null}
          {m.lastError ? (
            <>
              <dt>Last error</dt>
              <dd class="mail-error">{m.lastError}</dd>
            </>
          ) : null}
          <dt>Dedupe key</dt>
          <dd>
            <code>{m.dedupeKey}</code>
          </dd>
          {headers.map(([name, value]) => (
            <>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </>
          ))}
        </dl>
      </section>
      <section class="card" aria-labelledby="text-title">
        <h2 id="text-title">Text</h2>
        <pre class="mail">{readableText(m, props.hasSmtp)}</pre>
        {m.html ? (
          <details>
            <summary>HTML part (source)</summary>
            <pre class="mail">{m.html}</pre>
          </details>
        ) : null}
      </section>
    </>
  );
}

export function mailRoutes(r: Routes): void {
  r.get("/admin/mail", "admin", async (c) => {
    const ctx = c.get("app");
    const requested = c.req.query("status") ?? "";
    if (requested && !isOutboxStatus(requested))
      throw new HttpError(400, `Unknown status "${requested.slice(0, 40)}": use ${outboxStatuses.join(", ")}.`);
    const status = requested ? (requested as OutboxStatus) : null;
    const [messages, counts] = await Promise.all([
      listOutbox(ctx.db, PAGE_SIZE, status ?? undefined),
      outboxCounts(ctx.db),
    ]);
    return page(
      c,
      <OutboxPage
        messages={messages}
        status={status}
        counts={counts}
        hasSmtp={ctx.mailer !== null}
        timeZone={c.get("viewer")?.timeZone ?? "UTC"}
      />,
      { title: "Mail" },
    );
  });

  r.get("/admin/mail/:id", "admin", async (c) => {
    const ctx = c.get("app");
    const id = c.req.param("id") ?? "";
    const message = isUuid(id) ? await findOutboxMessage(ctx.db, id) : null;
    if (!message) throw new HttpError(404, "There is no message with that id in the outbox.");
    return page(
      c,
      <MessagePage message={message} hasSmtp={ctx.mailer !== null} timeZone={c.get("viewer")?.timeZone ?? "UTC"} />,
      { title: message.subject },
    );
  });

  r.post("/admin/mail/retry-held", "admin", async (c) => {
    const ctx = c.get("app");
    const now = ctx.clock.now();
    const count = await ctx.db.transaction(async (tx) => {
      const count = await retryAllHeld(tx, now);
      if (count > 0)
        await audit(tx, {
          actorId: c.get("viewer")?.id ?? null,
          action: "mail.retried-held",
          details: { count },
          at: now,
        });
      return count;
    });
    setFlash(
      c,
      count > 0 ? "success" : "info",
      count > 0 ? `${count} held message(s) queued again.` : "No message was held.",
    );
    return redirect(c, "/admin/mail");
  });

  r.post("/admin/mail/:id/retry", "admin", async (c) => {
    const ctx = c.get("app");
    const id = c.req.param("id") ?? "";
    if (!isUuid(id) || !(await findOutboxMessage(ctx.db, id)))
      throw new HttpError(404, "There is no message with that id in the outbox.");
    const now = ctx.clock.now();
    const retried = await ctx.db.transaction(async (tx) => {
      if (!(await retryMessage(tx, id, now))) return false;
      await audit(tx, { actorId: c.get("viewer")?.id ?? null, action: "mail.retried", target: id, at: now });
      return true;
    });
    if (!retried) throw new HttpError(409, "Only held or failed messages can be retried.");
    setFlash(c, "success", "The message is queued again and will be sent on the next delivery run.");
    return redirect(c, `/admin/mail/${id}`);
  });
}
