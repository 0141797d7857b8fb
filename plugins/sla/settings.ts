import { z } from "zod";

/** SLA settings; the admin form is generated from this schema. */
export const slaSettings = z.object({
  warnFraction: z
    .number()
    .min(0.1)
    .max(0.99)
    .default(0.75)
    .describe("Warn the responder when this fraction of the target has elapsed (0.75 = 75 %)."),
  dueSoonHours: z
    .number()
    .min(0.5)
    .max(72)
    .default(4)
    .describe("On the team board, asks with fewer business hours left than this are due soon."),
});

export type SlaSettings = z.output<typeof slaSettings>;
