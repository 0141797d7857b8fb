/** A hint from the writing linter: where, what, and how to fix it. Hints never block. */
export interface WritingHint {
  rule: string;
  message: string;
  severity: "info" | "warning";
  /** Character offsets into the linted text, when the hint is about a span. */
  start?: number;
  end?: number;
}

/** Lints prose (BLUF, asks, sentence length …). Core's default is `lintWriting` (server/writing/); a plugin may provide another. */
export interface WritingLinter {
  lint(text: string, options?: { kind?: string }): WritingHint[];
}

/** A team's business calendar: zone, open intervals per ISO weekday, holidays. */
export interface BusinessCalendar {
  timeZone: string;
  /** ISO weekday (1 = Monday) → local "HH:MM" half-open intervals. */
  open: Record<number, [string, string][]>;
  /** Local dates ("YYYY-MM-DD") that are closed all day. */
  holidays: string[];
}

export interface BusinessCalendarProvider {
  forTeam(teamId: string): Promise<BusinessCalendar | null>;
}

/** The hook points a plugin can provide for everyone else. */
export interface Provides {
  "writing.linter": WritingLinter;
  "calendar.business": BusinessCalendarProvider;
}
