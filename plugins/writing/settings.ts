import { z } from "zod";

/** Writing settings; the admin form is generated from this schema. */
export const writingSettings = z.object({
  reviewTargetHours: z
    .number()
    .int()
    .min(1)
    .max(168)
    .default(24)
    .describe(
      "Due time shown for a draft review when the response-time plugin is off (with it on, the team charter's 'review request' target runs the clock).",
    ),
  minTeamSize: z
    .number()
    .int()
    .min(5)
    .max(100)
    .default(5)
    .describe("Team writing trends are shown only when at least this many people wrote in a period (never below 5)."),
  showOnDashboard: z.boolean().default(true).describe("Show the writing card on everyone's home page."),
});

export type WritingSettings = z.output<typeof writingSettings>;
