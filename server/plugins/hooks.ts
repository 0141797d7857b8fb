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

/** One question of a form shown in chat (a Slack modal's input). */
export interface ChatFormField {
  key: string;
  label: string;
  /** Guidance shown under the input, e.g. "The conclusion first, in a sentence or two." */
  hint: string;
  multiline: boolean;
  optional: boolean;
}

/** A form a person fills in from chat. */
export interface ChatForm {
  title: string;
  /** One line above the fields. */
  intro: string;
  fields: ChatFormField[];
}

/** What happened to a form submitted from chat: a portal link, or errors keyed by field. */
export type ChatOutcome = { ok: true; message: string; link: string } | { ok: false; errors: Record<string, string> };

/** Write an update from chat (provided by the plugin that owns updates). */
export interface ChatUpdates {
  /** The update form for a person on a team (their first team when omitted), or null when they have none. */
  form(personId: string, teamId?: string): Promise<(ChatForm & { teamId: string }) | null>;
  /** Posts the update exactly as the portal's composer would. */
  post(personId: string, teamId: string, answers: Record<string, string>): Promise<ChatOutcome>;
}

/** Answer an ask from chat (provided by the plugin that owns asks); answering stops its SLA clock. */
export interface ChatAsks {
  /** The answer form for a person the ask is addressed to, or null when it is not theirs to answer. */
  form(askId: string, personId: string): Promise<ChatForm | null>;
  answer(askId: string, personId: string, text: string): Promise<ChatOutcome>;
}

/** A team's check-in period as chat posts and commands show it. */
export interface TeamUpdatePeriod {
  /** Stable name of the period (`2026-W10`), for dedupe keys. */
  key: string;
  /** "Week of 2 Mar 2026". */
  label: string;
  start: Date;
  end: Date;
  dueAt: Date;
  /** Members asked for an update, and how many of them have posted one. */
  expected: number;
  written: number;
  /** Portal path where a member writes this period's update. */
  writeLink: string;
  /** Portal path of the team's updates. */
  feedLink: string;
}

/** One posted update's bottom line. */
export interface TeamBottomLine {
  updateId: string;
  authorName: string;
  bottomLine: string;
  /** Portal path of the update. */
  link: string;
}

/**
 * Written updates, for core's chat posts and commands (status-updates provides it):
 * a team's period at an instant, its bottom lines, and one person's state.
 */
export interface TeamUpdatesProvider {
  periodAt(teamId: string, at: Date): Promise<TeamUpdatePeriod | null>;
  /** The bottom lines posted for a period, by author name. */
  bottomLines(teamId: string, periodKey: string): Promise<TeamBottomLine[]>;
  /** Whether the person has posted for the team's period at `at`, and the path to write or read it. */
  personStatus(
    teamId: string,
    personId: string,
    at: Date,
  ): Promise<{ period: TeamUpdatePeriod; state: "posted" | "draft" | "missing"; link: string } | null>;
}

/** The hook points a plugin can provide for everyone else. */
export interface Provides {
  "writing.linter": WritingLinter;
  "calendar.business": BusinessCalendarProvider;
  "chat.updates": ChatUpdates;
  "chat.asks": ChatAsks;
  "status.team-updates": TeamUpdatesProvider;
}
