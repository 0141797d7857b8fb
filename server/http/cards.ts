import type { Context } from "hono";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Access } from "./access.ts";
import type { AppEnv } from "./env.ts";

/** A card on the home dashboard. `render` returns null to hide the card for this viewer. */
export interface DashboardCard {
  id: string;
  title: string;
  access: Access;
  /** Lower comes first. */
  order: number;
  /** False hides the card (its plugin is disabled). */
  enabled?: () => boolean;
  /**
   * `lazy` cards load after the page (htmx fetches `/home/cards/<id>`), so one slow card never
   * holds the home page; `eager` ones render with it. Default: eager.
   */
  loading?: "eager" | "lazy";
  render(c: Context<AppEnv>): Promise<SafeHtml | null> | SafeHtml | null;
}
