import type { PluginRoutes } from "../../server/plugin-api.ts";
import { homePages } from "./home-pages.tsx";
import { pairPages } from "./pair-pages.tsx";
import { reviewPages } from "./review-pages.tsx";
import type { WritingSettings } from "./settings.ts";
import { trendPages } from "./trend-pages.tsx";
import { workshopPages } from "./workshop-pages.tsx";

/** Every page under /writing, one builder per page group. */
export function writingPages(r: PluginRoutes<WritingSettings>): void {
  homePages(r);
  pairPages(r);
  reviewPages(r);
  trendPages(r);
  workshopPages(r);
}
