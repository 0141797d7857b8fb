import type { MiddlewareHandler } from "hono";
import { unreadCount } from "../notifications/notifications.ts";
import type { AppEnv } from "./env.ts";
import { wantsFragment } from "./render.tsx";

/**
 * Counts the viewer's unread notifications for the header of a full page. A browser session
 * brings the count with it (read with the session); fragments, API calls and form posts skip
 * the query: they render no header.
 */
export function navBadges(): MiddlewareHandler<AppEnv> {
  return async function countUnread(c, next) {
    const viewer = c.get("viewer");
    const counted = c.get("unread") !== undefined;
    if (viewer && !counted && c.req.method === "GET" && !wantsFragment(c) && !c.req.path.startsWith("/api/")) {
      c.set("unread", await unreadCount(c.get("app").db, viewer.id));
    }
    await next();
  };
}
