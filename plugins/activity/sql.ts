// The core helpers, under the names this plugin's queries use.
export { instant as at, rowsOf } from "../../server/plugin-api.ts";

export const SLOT_MS = 15 * 60_000;

/** The start of the 15-minute slot holding `date`. */
export function slotOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / SLOT_MS) * SLOT_MS);
}
