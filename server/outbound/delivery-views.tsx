import { ActionButton, EmptyState } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Delivery } from "./outbox.ts";
import type { DeliveryStatus } from "./types.ts";

export const deliveryBadge: Record<DeliveryStatus, string> = {
  queued: "badge",
  sending: "badge badge-accent",
  delivered: "badge badge-success",
  held: "badge badge-danger",
  dropped: "badge",
};

/** Deliveries newest first, each with its outcome and a replay button where one makes sense. */
export function DeliveryTable(props: { deliveries: Delivery[]; timeZone: string }): SafeHtml {
  if (!props.deliveries.length) return <EmptyState title="No deliveries yet." />;
  return (
    <div class="table-wrap">
      <table class="table-cards">
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Response</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr>
              <td data-label="Event">
                <a href={`/admin/deliveries/${d.id}`}>{d.eventType ?? d.dedupeKey}</a>
              </td>
              <td data-label="Kind">{d.kind}</td>
              <td data-label="Status">
                <span class={deliveryBadge[d.status]}>{d.status}</span>
              </td>
              <td data-label="Attempts">{d.attempts}</td>
              <td data-label="Response" class="mail-error">
                {d.responseStatus ? `HTTP ${d.responseStatus}` : (d.lastError ?? <span class="muted">—</span>)}
              </td>
              <td data-label="Created" class="nowrap">
                {formatInstant(d.createdAt, props.timeZone)}
              </td>
              <td data-label="Actions">
                {d.status === "sending" ? null : (
                  <ActionButton action={`/admin/deliveries/${d.id}/replay`} label="Replay" />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
