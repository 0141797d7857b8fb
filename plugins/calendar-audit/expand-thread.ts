/// <reference lib="webworker" />
// Parsing and expanding a calendar is CPU work that can take seconds for a large or hostile
// file: it runs on this thread, never on the one serving requests.
import { type ExpandOptions, type ExpandWindow, type Expansion, expand, NotACalendarError } from "./expand.ts";

export interface ExpandRequest {
  id: number;
  ics: string;
  window: { from: number; to: number };
  options: ExpandOptions;
}

export type ExpandReply =
  | { id: number; ok: true; expansion: Expansion }
  | { id: number; ok: false; notACalendar: boolean; message: string };

declare const self: Worker;

self.onmessage = (event: MessageEvent<ExpandRequest>) => {
  const { id, ics, window, options } = event.data;
  const span: ExpandWindow = { from: new Date(window.from), to: new Date(window.to) };
  try {
    self.postMessage({ id, ok: true, expansion: expand(ics, span, options) } satisfies ExpandReply);
  } catch (error) {
    self.postMessage({
      id,
      ok: false,
      notACalendar: error instanceof NotACalendarError,
      message: error instanceof Error ? error.message : String(error),
    } satisfies ExpandReply);
  }
};
