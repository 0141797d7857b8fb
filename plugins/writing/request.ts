import { HttpError, isUuid, type RequestServices, requireViewer } from "../../server/plugin-api.ts";
import { quarterOf } from "./quarter.ts";
import type { WritingSettings } from "./settings.ts";

export type S = RequestServices<WritingSettings>;

export const base = "/writing";

/** The current quarter in the viewer's zone. */
export function currentQuarter(s: S): string {
  return quarterOf(s.clock.now(), requireViewer(s).timeZone);
}

/** A route id that must be a uuid: anything else is a 404, never a database error. */
export function idParam(value: string | undefined, what: string): string {
  if (!value || !isUuid(value)) throw new HttpError(404, `${what} not found.`);
  return value;
}
