import type { AppContext } from "../context.ts";
import type { Role } from "../people/schema.ts";

/** The signed-in person, as every route sees them. */
export interface Viewer {
  id: string;
  email: string;
  name: string;
  role: Role;
  timeZone: string;
}

/** Hono's typed variables for this app. */
export interface AppEnv {
  Variables: {
    app: AppContext;
    viewer: Viewer | null;
    /** The current session's id (hash), when signed in through a browser session. */
    sessionId: string | null;
    /** True when the viewer came with an API token instead of a session cookie. */
    viaToken: boolean;
    /** The API token's scopes (empty for a session). */
    tokenScopes: readonly string[];
    /** The route pattern that matched, for metrics and logs. */
    routePattern: string;
    /** The viewer's unread notifications, counted once per full page (see nav-badges.ts). */
    unread: number | undefined;
  };
}
