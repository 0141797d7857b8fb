import type { DigestSection, SafeHtml } from "../../server/plugin-api.ts";
import { formatInstant } from "../../server/plugin-api.ts";
import { newHiresManagedBy } from "./onboarding.ts";
import { reviewedFor, reviewsWaitingOn } from "./reviews.ts";
import type { WritingSettings } from "./settings.ts";
import { invitationOf, nextWorkshop } from "./workshops.ts";

const list = "margin:0 0 12px;padding-left:18px;";
const link = "color:#0969da;";

/**
 * Drafts waiting for your review, your drafts your partner reviewed, the next workshop you are
 * invited to, and — for managers — who on their teams is in their first two weeks (no update
 * reminders or late-ask escalations for them until then). Nothing when there is nothing.
 */
export const writingDigest: DigestSection<WritingSettings> = {
  id: "writing",
  title: "Writing",
  order: 60,
  async render(person, period, s) {
    const now = s.clock.now();
    const [waiting, reviewed, workshop, newHires] = await Promise.all([
      reviewsWaitingOn(s.db, person.id, 10),
      reviewedFor(s.db, person.id, period.start, period.end),
      nextWorkshop(s.db, now),
      newHiresManagedBy(s.db, person.id, now),
    ]);
    const invited = workshop ? await invitationOf(s.db, workshop.id, person.id) : null;
    if (!waiting.length && !reviewed.length && !invited && !newHires.length) return null;
    const url = (path: string): string => `${s.baseUrl}${path}`;
    const html: SafeHtml[] = [];
    const text: string[] = [];
    if (waiting.length) {
      html.push(
        (
          <>
            <p style="margin:0;">
              <strong>Drafts waiting for your review</strong>
            </p>
            <ul style={list}>
              {waiting.map((r) => (
                <li>
                  <a href={url(`/writing/reviews/${r.id}`)} style={link}>
                    {r.bottomLine || "A draft"}
                  </a>{" "}
                  from {r.authorName}, by {formatInstant(r.dueAt, person.timeZone)}
                </li>
              ))}
            </ul>
          </>
        ) as SafeHtml,
      );
      text.push(
        "Drafts waiting for your review:",
        ...waiting.map((r) => `- ${r.bottomLine || "A draft"} from ${r.authorName}`),
      );
    }
    if (reviewed.length) {
      html.push(
        (
          <>
            <p style="margin:0;">
              <strong>Your drafts reviewed</strong>
            </p>
            <ul style={list}>
              {reviewed.map((r) => (
                <li>
                  <a href={url(`/writing/reviews/${r.id}`)} style={link}>
                    {r.bottomLine || "A draft"}
                  </a>{" "}
                  by {r.partnerName}
                </li>
              ))}
            </ul>
          </>
        ) as SafeHtml,
      );
      text.push("Your drafts reviewed:", ...reviewed.map((r) => `- ${r.bottomLine || "A draft"} by ${r.partnerName}`));
    }
    if (workshop && invited) {
      const when = formatInstant(workshop.startsAt, person.timeZone);
      html.push(
        (
          <p style="margin:0 0 12px;">
            <strong>Next workshop:</strong>{" "}
            <a href={url(`/writing/workshops/${workshop.id}`)} style={link}>
              {workshop.title}
            </a>
            , {when}
            {invited.pledge ? "" : ". Bring one thing you will change."}
          </p>
        ) as SafeHtml,
      );
      text.push(`Next workshop: ${workshop.title}, ${when}`);
    }
    if (newHires.length) {
      const lines = newHires.map(
        (h) =>
          `${h.name} started ${h.startDate}: synchronous onboarding until ${h.endsOn}, so no update reminders or late-ask escalations for them before then.`,
      );
      html.push(
        (
          <>
            <p style="margin:0;">
              <strong>New on your teams</strong>
            </p>
            <ul style={list}>
              {lines.map((l) => (
                <li>{l}</li>
              ))}
            </ul>
          </>
        ) as SafeHtml,
      );
      text.push("New on your teams:", ...lines.map((l) => `- ${l}`));
    }
    return { html: (<div>{html}</div>) as SafeHtml, text: text.join("\n") };
  },
};
