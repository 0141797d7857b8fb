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
  /** The bottom lines of a team's most recently closed period, or null when nobody wrote. */
  bottomLines(
    teamId: string,
  ): Promise<{ periodKey: string; title: string; lines: { author: string; text: string; link: string }[] } | null>;
}

/** Answer an ask from chat (provided by the plugin that owns asks); answering stops its SLA clock. */
export interface ChatAsks {
  /** The answer form for a person the ask is addressed to, or null when it is not theirs to answer. */
  form(askId: string, personId: string): Promise<ChatForm | null>;
  answer(askId: string, personId: string, text: string): Promise<ChatOutcome>;
}

/** The hook points a plugin can provide for everyone else. */
export interface Provides {
  "writing.linter": WritingLinter;
  "calendar.business": BusinessCalendarProvider;
  "chat.updates": ChatUpdates;
  "chat.asks": ChatAsks;
}
