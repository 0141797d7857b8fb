import { z } from "zod";

/** Briefs settings; the admin form is generated from this schema. */
export const briefsSettings = z.object({
  competencies: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .default("Problem solving, Communication, Collaboration, Craft")
    .meta({ title: "Competencies" })
    .describe("Comma-separated competencies every interviewer rates in their debrief note."),
  ratingMin: z.number().int().min(0).max(9).default(1).describe("The lowest rating on the scorecard."),
  ratingMax: z.number().int().min(1).max(10).default(4).describe("The highest rating on the scorecard."),
  noteDueHours: z
    .number()
    .int()
    .min(1)
    .max(72)
    .default(4)
    .describe("Hours after an interview ends by which each interviewer's note is due."),
  reminderHoursBefore: z
    .number()
    .int()
    .min(0)
    .max(71)
    .default(2)
    .describe("Remind interviewers this many hours before their note is due (0: only at the deadline)."),
});

export type BriefsSettings = z.output<typeof briefsSettings>;

/** The configured competencies, in order, without blanks or duplicates. */
export function competenciesOf(settings: BriefsSettings): string[] {
  return [
    ...new Set(
      settings.competencies
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

/** The rating scale, tolerating an admin who set the bounds the wrong way round. */
export function ratingScale(settings: BriefsSettings): { min: number; max: number } {
  return {
    min: Math.min(settings.ratingMin, settings.ratingMax),
    max: Math.max(settings.ratingMin, settings.ratingMax),
  };
}
