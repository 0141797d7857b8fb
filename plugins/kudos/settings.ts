import { z } from "zod";

/** Kudos settings; the admin form is generated from this schema. */
export const kudosSettings = z.object({
  maxPerWeek: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe("How many kudos one person may give in seven days."),
  retentionDays: z.number().int().min(30).max(3650).default(365).describe("Kudos older than this are deleted nightly."),
  showOnDashboard: z.boolean().default(true).describe("Show recent kudos on everyone's home page."),
});

export type KudosSettings = z.output<typeof kudosSettings>;
