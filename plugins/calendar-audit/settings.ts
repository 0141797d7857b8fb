import { z } from "zod";

/** Calendar-audit settings; the admin form is generated from this schema. */
export const calendarAuditSettings = z.object({
  rateMember: z
    .number()
    .min(0)
    .max(10_000)
    .default(75)
    .meta({ title: "Hourly rate: members" })
    .describe("Loaded hourly cost (salary, benefits, overhead) of a member, in your currency."),
  rateManager: z
    .number()
    .min(0)
    .max(10_000)
    .default(110)
    .meta({ title: "Hourly rate: managers" })
    .describe("Loaded hourly cost of a manager."),
  rateLeadership: z
    .number()
    .min(0)
    .max(10_000)
    .default(150)
    .meta({ title: "Hourly rate: admins and owner" })
    .describe("Loaded hourly cost of admins and the owner (leadership band)."),
  rateExternal: z
    .number()
    .min(0)
    .max(10_000)
    .default(0)
    .meta({ title: "Hourly rate: external attendees" })
    .describe("Cost counted for attendees outside the organization (0 leaves them out of the cost)."),
  currency: z.string().trim().min(1).max(8).default("€").describe("Shown next to costs."),
  focusMinutes: z
    .number()
    .int()
    .min(0)
    .max(120)
    .default(20)
    .meta({ title: "Focus time lost per meeting (minutes)" })
    .describe("Context-switching time each attendee loses per occurrence, counted as focus-time cost."),
  orgEmailDomains: z
    .string()
    .max(500)
    .default("")
    .meta({ title: "Extra internal email domains" })
    .describe("Comma-separated domains that count as internal, besides the organization's own domains."),
  maxAttendees: z
    .number()
    .int()
    .min(10)
    .max(5000)
    .default(500)
    .describe("People kept per event; larger invitations are counted but not listed."),
  feedTimeoutSeconds: z.number().int().min(1).max(120).default(20).describe("How long a feed fetch may take."),
  feedMaxMegabytes: z.number().int().min(1).max(50).default(20).describe("The largest feed that is fetched."),
  feedAllowedHosts: z
    .string()
    .max(2000)
    .default("")
    .meta({ title: "Internal calendar hosts" })
    .describe(
      "Feeds are fetched from public addresses only. List calendar servers inside your network (host names or IP addresses, comma-separated) to allow them too.",
    ),
});

export type CalendarAuditSettings = z.output<typeof calendarAuditSettings>;
