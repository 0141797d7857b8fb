import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { definePlugin } from "../../server/plugin-api.ts";
import { visibleTeamIds } from "./access.ts";
import { seriesViews } from "./analysis.ts";
import { importDemoCalendars } from "./demo.ts";
import { transitionDigest } from "./digest.tsx";
import { defaultWindow, NotACalendarError } from "./expansion.ts";
import { refreshDueFeeds } from "./feeds.ts";
import { runQueuedImports } from "./importer.ts";
import { reportPages } from "./report-pages.tsx";
import { calendarAuditPages } from "./routes.tsx";
import { meetingSeries } from "./schema.ts";
import { seriesPages } from "./series-page.tsx";
import { type CalendarAuditSettings, calendarAuditSettings } from "./settings.ts";

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Meeting audit: imports calendars (.ics uploads and secret feeds), expands recurring series,
 * classifies them against the async-first playbook, recommends keep / convert / kill, polls
 * attendees, reports cost and tracks the transition month by month.
 */
export default definePlugin<CalendarAuditSettings>({
  id: "calendar-audit",
  name: "Meeting audit",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Which recurring meetings to keep, convert to a written practice, or stop — and the transition.",
  migrations: `${import.meta.dir}/migrations`,
  settings: calendarAuditSettings,
  assets: { stylesheet: `${import.meta.dir}/calendar-audit.css` },
  setup(api) {
    api.pages((r) => {
      calendarAuditPages(r);
      seriesPages(r);
      reportPages(r);
    });
    api.api((r) => {
      r.get("/series", "member", async (c, s) => {
        const views = await seriesViews(s.db, await s.settings(), {
          now: s.clock.now(),
          teamIds: (await visibleTeamIds(s)) ?? undefined,
          ...(s.viewer ? { viewerId: s.viewer.id } : {}),
        });
        return c.json({
          series: views.map((v) => ({
            id: v.series.id,
            uid: v.series.uid,
            summary: v.series.summary,
            cadence: v.series.cadence,
            durationMinutes: v.series.durationMinutes,
            internal: v.internal,
            external: v.external,
            attendeeHoursPerWeek: v.attendeeHoursPerWeek,
            costPerMonth: v.costPerMonth,
            focusCostPerMonth: v.focusCostPerMonth,
            category: v.category,
            confidence: v.series.overrideCategory ? 1 : v.series.confidence,
            reasons: v.series.reasons,
            flags: v.flags,
            recommendation: v.recommendation,
            outcome: v.series.outcome,
            outcomeOn: v.series.outcomeOn,
          })),
        });
      });
    });
    api.nav({ href: "/calendar-audit", label: "Meetings", access: "member", order: 60 });
    api.card({
      id: "summary",
      title: "Meeting audit",
      access: "manager",
      order: 60,
      async render(_c, s) {
        const [row] = await s.db
          .select({
            n: sql<number>`count(*)::int`,
            convert: sql<number>`count(*) filter (where coalesce(${meetingSeries.overrideCategory}, ${meetingSeries.category}) in ('status','kickoff','review','hiring-debrief','broadcast'))::int`,
            done: sql<number>`count(*) filter (where ${meetingSeries.outcome} <> 'active')::int`,
          })
          .from(meetingSeries)
          .where(and(eq(meetingSeries.recurring, true)));
        if (!row || !Number(row.n)) return null;
        return (
          <p>
            {count(Number(row.n), "recurring meeting")} imported; {count(Number(row.convert), "async candidate")};{" "}
            {Number(row.done)} converted or stopped. <a href="/calendar-audit/report">See the audit</a>
          </p>
        );
      },
    });
    api.job({
      id: "refresh-feeds",
      schedule: "*/15 * * * *",
      scope: "global",
      description: "Fetches calendar feeds that are due (every 6 hours; failures retried with backoff).",
      run: (s) => refreshDueFeeds(s),
    });
    api.job({
      id: "run-imports",
      schedule: "* * * * *",
      scope: "global",
      description: "Imports large uploaded calendars that were queued.",
      async run(s) {
        return `imported ${await runQueuedImports(s)}`;
      },
    });
    api.digest(transitionDigest);
    api.command({
      name: "expand",
      summary:
        "Print the occurrences of an .ics file as JSON lines (uid, recurrenceId, start, end, allDay, summary, attendees).",
      options: z.object({
        from: z.iso
          .datetime({ offset: true, error: "an instant like 2026-03-01T00:00:00Z" })
          .optional()
          .describe("Window start (default: 8 weeks ago)"),
        to: z.iso
          .datetime({ offset: true, error: "an instant like 2026-09-01T00:00:00Z" })
          .optional()
          .describe("Window end (default: 26 weeks ahead)"),
      }),
      positionals: [{ name: "file.ics", description: "The iCalendar file to expand", required: true }],
      async run(args, s) {
        const path = args._[0] ?? "";
        const file = Bun.file(path);
        if (!(await file.exists())) return s.fail(`No such file: ${path}`);
        const window = defaultWindow(s.clock.now());
        if (typeof args.from === "string") window.from = new Date(args.from);
        if (typeof args.to === "string") window.to = new Date(args.to);
        if (window.to <= window.from) return s.fail("--to must be after --from.");
        try {
          // The parser loads here, not at start: the server expands in its own thread.
          const { expand } = await import("./expand.ts");
          const x = expand(await file.text(), window, { maxAttendees: (await s.settings()).maxAttendees });
          for (const o of x.occurrences) {
            s.out(
              JSON.stringify({
                uid: o.uid,
                recurrenceId: o.recurrenceId,
                start: o.start,
                end: o.end,
                allDay: o.allDay,
                summary: o.summary,
                attendees: o.attendees,
              }),
            );
          }
          for (const p of x.problems) console.error(p);
        } catch (error) {
          if (error instanceof NotACalendarError) return s.fail(error.message);
          throw error;
        }
      },
    });
    api.demo(importDemoCalendars);
  },
});
