import { z } from "zod";

/** Status-updates settings; the admin form is generated from this schema. */
export const statusSettings = z.object({
  remindersEnabled: z
    .boolean()
    .default(true)
    .describe("Remind people who have not posted, at the due time in their own time zone and working hours."),
  showOnDashboard: z.boolean().default(true).describe('Show "Your update for this week" on the home page.'),
});

export type StatusSettings = z.output<typeof statusSettings>;
