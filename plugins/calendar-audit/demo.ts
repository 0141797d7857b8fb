import type { DbOrTx, DemoOrg, PluginServices } from "../../server/plugin-api.ts";
import { expandOffThread } from "./expand-off-thread.ts";
import { defaultWindow } from "./expansion.ts";
import { storeExpansion } from "./importer.ts";
import { orgDomains } from "./org.ts";
import { calendarSources } from "./schema.ts";
import { type CalendarAuditSettings, calendarAuditSettings } from "./settings.ts";

/** Recurring meetings a typical team has, in the team's own zone: [title, rule, local start, minutes, everyone?]. */
const templates: [string, string, string, number, boolean][] = [
  ["Daily standup", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "09:30", 15, true],
  ["Weekly status meeting", "FREQ=WEEKLY;BYDAY=MO", "10:00", 60, true],
  ["Sprint retro", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", "15:00", 60, true],
  ["Design review", "FREQ=WEEKLY;BYDAY=WE", "14:00", 90, true],
  ["Project kickoff sync", "FREQ=WEEKLY;BYDAY=TH", "11:00", 45, true],
  ["All hands", "FREQ=MONTHLY;BYDAY=-1TH", "16:00", 60, true],
  ["Brainstorm: roadmap ideas", "FREQ=MONTHLY;BYDAY=1TU", "13:00", 60, false],
  ["Hiring debrief", "FREQ=WEEKLY;BYDAY=TU", "16:30", 30, false],
];

const icsDate = (plain: Temporal.PlainDateTime): string => plain.toString().replace(/[-:]/g, "").slice(0, 15);

/** iCalendar text for one team, written as a calendar app would export it. */
export function demoCalendar(
  team: DemoOrg["teams"][number],
  people: Map<string, { email: string; name: string }>,
  now: Date,
): string {
  // The Monday ten weeks back, so that 1:1s (Monday + k % 5 days) fall on weekdays.
  const day = Temporal.Instant.fromEpochMilliseconds(now.getTime() - 10 * 7 * 86_400_000)
    .toZonedDateTimeISO(team.timeZone)
    .toPlainDate();
  const start = day.subtract({ days: day.dayOfWeek - 1 });
  const members = team.memberIds.map((id) => people.get(id)).filter((p): p is { email: string; name: string } => !!p);
  const manager = people.get(team.managerIds[0] ?? "") ?? members[0];
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//DeskTrust//demo//EN", `X-WR-TIMEZONE:${team.timeZone}`];
  templates.forEach(([title, rule, time, minutes, everyone], i) => {
    const [h, m] = time.split(":").map(Number) as [number, number];
    const dt = start.toPlainDateTime({ hour: h, minute: m });
    const invited = everyone ? members : members.slice(0, 3);
    lines.push(
      "BEGIN:VEVENT",
      `UID:demo-${team.id}-${i}@desktrust`,
      `DTSTAMP:${icsDate(dt)}Z`,
      `DTSTART;TZID=${team.timeZone}:${icsDate(dt)}`,
      `DURATION:PT${minutes}M`,
      `RRULE:${rule}`,
      `SUMMARY:${team.name}: ${title}`,
      ...(manager ? [`ORGANIZER;CN=${manager.name}:mailto:${manager.email}`] : []),
      ...invited.map(
        (p, k) =>
          `ATTENDEE;CN=${p.name};ROLE=${k === invited.length - 1 && invited.length > 3 ? "OPT-PARTICIPANT" : "REQ-PARTICIPANT"};PARTSTAT=${k % 5 === 4 ? "DECLINED" : "ACCEPTED"}:mailto:${p.email}`,
      ),
      "END:VEVENT",
    );
  });
  // 1:1s between the manager and each member.
  members
    .filter((p) => p !== manager)
    .forEach((p, k) => {
      const dt = start.add({ days: k % 5 }).toPlainDateTime({ hour: 11 + (k % 4), minute: 0 });
      lines.push(
        "BEGIN:VEVENT",
        `UID:demo-${team.id}-1on1-${k}@desktrust`,
        `DTSTART;TZID=${team.timeZone}:${icsDate(dt)}`,
        "DURATION:PT30M",
        "RRULE:FREQ=WEEKLY;INTERVAL=2",
        `SUMMARY:1:1 ${manager?.name ?? ""} / ${p.name}`,
        ...(manager ? [`ATTENDEE;PARTSTAT=ACCEPTED:mailto:${manager.email}`] : []),
        `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${p.email}`,
        "END:VEVENT",
      );
    });
  lines.push("END:VCALENDAR");
  return lines.join("\r\n");
}

/** Each team's calendar, generated as ICS text and imported through the plugin's own pipeline. */
export async function importDemoCalendars(
  tx: DbOrTx,
  demo: DemoOrg,
  _s: PluginServices<CalendarAuditSettings>,
): Promise<void> {
  const people = new Map(demo.people.map((p) => [p.id, { email: p.email.toLowerCase(), name: p.name }]));
  // The demo loads into an empty install: default settings, read without a query outside `tx`.
  const settings = calendarAuditSettings.parse({});
  const domains = await orgDomains(tx, settings);
  const window = defaultWindow(demo.now);
  for (const team of demo.teams) {
    const [source] = await tx
      .insert(calendarSources)
      .values({
        kind: "upload",
        name: `${team.name} calendar (demo)`,
        teamId: team.id,
        status: "ok",
        createdBy: demo.ownerId,
        lastFetchedAt: demo.now,
      })
      .returning({ id: calendarSources.id });
    // Expanded on its own thread, like an upload: the server keeps answering meanwhile.
    const expansion = await expandOffThread(demoCalendar(team, people, demo.now), window);
    await storeExpansion(tx, {
      expansion,
      window,
      sourceId: (source as { id: string }).id,
      teamId: team.id,
      domains,
      now: demo.now,
    });
  }
}
