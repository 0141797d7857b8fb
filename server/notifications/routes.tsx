import { ActionButton, EmptyState, PageHeader } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { page, redirect } from "../http/render.tsx";
import { isUuid } from "../people/people.ts";
import { markRead, type Notification, notificationsFor } from "./notifications.ts";

function NotificationList(props: { items: Notification[]; timeZone: string }): SafeHtml {
  if (!props.items.length) {
    return (
      <EmptyState title="Nothing new.">
        <p>Mentions, asks waiting on you and reminders show up here.</p>
      </EmptyState>
    );
  }
  return (
    <ul class="notification-list">
      {props.items.map((n) => (
        <li class={n.readAt ? "notification" : "notification unread"}>
          <div>
            <p class="notification-title">
              {n.link ? <a href={n.link}>{n.title}</a> : n.title}
              {n.readAt ? null : <span class="badge badge-accent">New</span>}
            </p>
            {n.body ? <p class="muted small">{n.body}</p> : null}
            <p class="muted small">{formatInstant(n.createdAt, props.timeZone)}</p>
          </div>
          {n.readAt ? null : <ActionButton action={`/notifications/${n.id}/read`} label="Mark read" />}
        </li>
      ))}
    </ul>
  );
}

export function notificationRoutes(r: Routes): void {
  r.get("/notifications", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const items = await notificationsFor(c.get("app").db, viewer.id);
    return page(
      c,
      <>
        <PageHeader title="Notifications">
          <a class="button button-secondary" href="/notifications/preferences">
            Preferences
          </a>
          {items.some((n) => !n.readAt) ? (
            <ActionButton action="/notifications/read-all" label="Mark all read" />
          ) : null}
        </PageHeader>
        <NotificationList items={items} timeZone={viewer.timeZone} />
      </>,
      { title: "Notifications" },
    );
  });

  r.post("/notifications/read-all", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    await markRead(c.get("app").db, viewer.id, c.get("app").clock.now());
    return redirect(c, "/notifications");
  });

  r.post("/notifications/:id/read", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in.");
    const id = c.req.param("id") ?? "";
    if (!isUuid(id) || !(await markRead(c.get("app").db, viewer.id, c.get("app").clock.now(), id))) {
      throw notFound("Unread notification");
    }
    return redirect(c, "/notifications");
  });
}
