import { inArray } from "drizzle-orm";
import { formatShortDate } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { AppContext } from "../context.ts";
import { claimPersonPeriod, type LocalSchedule, peopleDue } from "../jobs/person-schedule.ts";
import { queueMail } from "../mail/outbox.ts";
import { channelsFor } from "../notifications/preferences.ts";
import { people } from "../people/schema.ts";
import { allDigestFrequencies } from "./preferences.ts";
import type { DigestFrequency } from "./schema.ts";
import { unsubscribeToken } from "./unsubscribe-token.ts";

export const weeklyDigest: LocalSchedule = { key: "digest.weekly", weekday: 1, time: "08:00" };
export const dailyDigest: LocalSchedule = { key: "digest.daily", time: "08:00" };

export interface DigestPerson {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  role: string;
}

export interface DigestPeriod {
  start: Date;
  end: Date;
  label: string;
  frequency: "weekly" | "daily";
}

export interface AssembledDigest {
  subject: string;
  unsubscribeUrl: string;
  html: string;
  text: string;
  sections: { title: string; html: SafeHtml; text: string }[];
}

/** The period a digest due at `dueAt` covers: the previous local week or day, by calendar date. */
export function digestPeriod(frequency: "weekly" | "daily", dueAt: Date, timeZone: string): DigestPeriod {
  const end = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime()).toZonedDateTimeISO(timeZone);
  const start = end.subtract(frequency === "weekly" ? { weeks: 1 } : { days: 1 });
  const fmt = (d: Temporal.ZonedDateTime): string => formatShortDate(d.toPlainDate());
  return {
    start: new Date(start.epochMilliseconds),
    end: new Date(end.epochMilliseconds),
    label: frequency === "weekly" ? `Week of ${fmt(start)}` : fmt(start),
    frequency,
  };
}

/**
 * Builds one person's digest from every enabled plugin's sections, in order. Returns null when
 * every section is empty: nothing is sent. A section that throws is logged and left out.
 */
export async function assembleDigest(
  ctx: AppContext,
  person: DigestPerson,
  period: DigestPeriod,
): Promise<AssembledDigest | null> {
  const sections: AssembledDigest["sections"] = [];
  for (const { pluginId, section } of ctx.plugins.digestSections()) {
    try {
      const rendered = await section.render(person, period, ctx.plugins.services(pluginId));
      if (rendered) sections.push({ title: section.title, ...rendered });
    } catch (error) {
      ctx.logger.error("digest section failed", { plugin: pluginId, section: section.id, error });
    }
  }
  if (!sections.length) return null;
  const orgName = ctx.org.cachedName() ?? "DeskTrust";
  const subject = `${orgName} digest · ${period.label}`;
  const unsubscribeUrl = `${ctx.config.baseUrl}/unsubscribe/${await unsubscribeToken(ctx, person.id)}`;
  return {
    subject,
    unsubscribeUrl,
    sections,
    html: digestHtml({ person, period, sections, orgName, baseUrl: ctx.config.baseUrl, unsubscribeUrl }),
    text: [
      `${subject}`,
      `Hello ${person.name},`,
      ...sections.map((s) => `${s.title}\n${"-".repeat(s.title.length)}\n${s.text.trim()}`),
      `Open DeskTrust: ${ctx.config.baseUrl}/`,
      `Digest settings: ${ctx.config.baseUrl}/digest/preferences — unsubscribe: ${unsubscribeUrl}`,
    ].join("\n\n"),
  };
}

// Email clients ignore stylesheets: everything is inline styles and tables.
const font = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;";

function digestHtml(props: {
  person: DigestPerson;
  period: DigestPeriod;
  sections: AssembledDigest["sections"];
  orgName: string;
  baseUrl: string;
  unsubscribeUrl: string;
}): string {
  const body = (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>
          {props.orgName} digest · {props.period.label}
        </title>
      </head>
      <body style={`margin:0;padding:0;background:#f6f7f9;${font}color:#1d2330;`}>
        <table
          role="presentation"
          width="100%"
          cellpadding="0"
          cellspacing="0"
          style="background:#f6f7f9;padding:24px 0;"
        >
          <tr>
            <td align="center">
              <table
                role="presentation"
                width="600"
                cellpadding="0"
                cellspacing="0"
                style="max-width:600px;width:100%;background:#ffffff;border:1px solid #e2e5eb;border-radius:10px;"
              >
                <tr>
                  <td style={`padding:20px 24px;border-bottom:1px solid #e2e5eb;${font}`}>
                    <div style="font-size:13px;color:#5b6474;">
                      {props.orgName} · {props.period.label}
                    </div>
                    <div style="font-size:20px;font-weight:700;margin-top:4px;">Hello {props.person.name}</div>
                  </td>
                </tr>
                {props.sections.map((s) => (
                  <tr>
                    <td
                      style={`padding:18px 24px;border-bottom:1px solid #eef0f4;${font}font-size:15px;line-height:1.5;`}
                    >
                      <h2 style="margin:0 0 8px;font-size:16px;color:#2449ad;">{s.title}</h2>
                      {s.html}
                    </td>
                  </tr>
                ))}
                <tr>
                  <td style={`padding:16px 24px;${font}font-size:12px;color:#5b6474;`}>
                    <a href={`${props.baseUrl}/`} style="color:#2f5bd3;">
                      Open DeskTrust
                    </a>{" "}
                    ·{" "}
                    <a href={`${props.baseUrl}/digest/preferences`} style="color:#2f5bd3;">
                      Digest settings
                    </a>{" "}
                    ·{" "}
                    <a href={props.unsubscribeUrl} style="color:#2f5bd3;">
                      Unsubscribe
                    </a>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
  return `<!doctype html>${body.value}`;
}

/** RFC 8058 one-click unsubscribe headers for a digest. */
export function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return {
    "List-Unsubscribe": `<${unsubscribeUrl}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

export interface DigestRunReport {
  due: number;
  queued: number;
  empty: number;
}

/**
 * Queues the digests that are due: weekly ones for people whose Monday 08:00 has passed,
 * daily ones for people who chose daily. Each (person, period) is claimed once across
 * instances; an empty digest is claimed and skipped.
 */
export async function sendDueDigests(ctx: AppContext, now: Date = ctx.clock.now()): Promise<DigestRunReport> {
  const report: DigestRunReport = { due: 0, queued: 0, empty: 0 };
  const preferences = await allDigestFrequencies(ctx.db);
  const choice = (personId: string): DigestFrequency => preferences.get(personId) ?? "weekly";
  for (const [frequency, schedule] of [
    ["weekly", weeklyDigest],
    ["daily", dailyDigest],
  ] as const) {
    const due = (await peopleDue(ctx.db, schedule, now)).filter((d) => choice(d.personId) === frequency);
    if (!due.length) continue;
    const rows = await ctx.db
      .select({ id: people.id, name: people.name, email: people.email, timeZone: people.timeZone, role: people.role })
      .from(people)
      .where(
        inArray(
          people.id,
          due.map((d) => d.personId),
        ),
      );
    const byId = new Map(rows.map((p) => [p.id, p]));
    // The digest's own channel choice and quiet hours, like every other notification.
    const deliveries = await channelsFor(
      ctx.db,
      due.map((d) => d.personId),
      "digest",
      now,
    );
    for (const d of due) {
      const person = byId.get(d.personId);
      const delivery = deliveries.get(d.personId);
      if (!person || !delivery?.email) continue;
      report.due++;
      // Build first, then claim and queue in one transaction: a crash in between loses nothing.
      const digest = await assembleDigest(ctx, person, digestPeriod(frequency, d.dueAt, person.timeZone));
      const outcome = await ctx.db.transaction(async (tx) => {
        if (!(await claimPersonPeriod(tx, schedule.key, d.personId, d.period, now))) return "taken";
        if (!digest) return "empty";
        await queueMail(
          tx,
          {
            dedupeKey: `digest:${person.id}:${schedule.key}:${d.period}`,
            to: person.email,
            subject: digest.subject,
            text: digest.text,
            html: digest.html,
            headers: unsubscribeHeaders(digest.unsubscribeUrl),
            // Sent after the next one is due, it would only repeat old news: drop it instead.
            expiresAt: periodAfter(d.dueAt, frequency, person.timeZone),
            notBefore: delivery.holdUntil,
          },
          now,
        );
        return "queued";
      });
      if (outcome === "empty") report.empty++;
      if (outcome !== "queued") continue;
      report.queued++;
    }
  }
  return report;
}

/** When the next digest of this frequency is due, in the person's calendar (DST-safe). */
function periodAfter(dueAt: Date, frequency: "weekly" | "daily", timeZone: string): Date {
  const next = Temporal.Instant.fromEpochMilliseconds(dueAt.getTime())
    .toZonedDateTimeISO(timeZone)
    .add({ days: frequency === "weekly" ? 7 : 1 });
  return new Date(next.epochMilliseconds);
}

/** The digest a person would get if it were sent now: the last week (or day) up to now. */
export async function previewDigest(
  ctx: AppContext,
  person: DigestPerson,
  frequency: DigestFrequency,
): Promise<AssembledDigest | null> {
  return assembleDigest(
    ctx,
    person,
    digestPeriod(frequency === "daily" ? "daily" : "weekly", ctx.clock.now(), person.timeZone),
  );
}
