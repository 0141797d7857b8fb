import { type DigestSection, formatInstant } from "../../server/plugin-api.ts";
import { awaitingReviewBy } from "./briefs.ts";
import { owedNotes } from "./interviews.ts";
import type { BriefsSettings } from "./settings.ts";

/** Briefs awaiting your review (with deadlines) and debrief notes you owe; nothing when neither. */
export const briefsDigest: DigestSection<BriefsSettings> = {
  id: "waiting",
  title: "Briefs and debriefs waiting on you",
  async render(person, _period, s) {
    const now = s.clock.now();
    const [reviews, owed] = await Promise.all([
      awaitingReviewBy(s.db, person.id),
      owedNotes(s.db, { personId: person.id, since: new Date(now.getTime() - 14 * 86_400_000), until: now }),
    ]);
    if (!reviews.length && !owed.length) return null;
    const due = (d: Date | null): string => (d ? ` (comments due ${formatInstant(d, person.timeZone)})` : "");
    return {
      html: (
        <div>
          {reviews.length ? (
            <>
              <p style="margin:0 0 4px;font-weight:bold;">Briefs awaiting your review</p>
              <ul style="margin:0 0 12px;padding-left:18px;">
                {reviews.map((b) => (
                  <li>
                    <a href={`${s.baseUrl}/briefs/${b.id}`}>{b.title}</a> by {b.authorName}
                    {due(b.commentDeadline)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {owed.length ? (
            <>
              <p style="margin:0 0 4px;font-weight:bold;">Debrief notes you owe</p>
              <ul style="margin:0;padding-left:18px;">
                {owed.map((n) => (
                  <li>
                    <a href={`${s.baseUrl}/briefs/interviews/${n.interviewId}`}>{n.role} interview</a> (ended{" "}
                    {formatInstant(n.endsAt, person.timeZone)})
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ),
      text: [
        ...(reviews.length
          ? [
              "Briefs awaiting your review:",
              ...reviews.map(
                (b) => `- ${b.title} by ${b.authorName}${due(b.commentDeadline)}: ${s.baseUrl}/briefs/${b.id}`,
              ),
            ]
          : []),
        ...(owed.length
          ? [
              "Debrief notes you owe:",
              ...owed.map(
                (n) =>
                  `- ${n.role} interview (ended ${formatInstant(n.endsAt, person.timeZone)}): ${s.baseUrl}/briefs/interviews/${n.interviewId}`,
              ),
            ]
          : []),
      ].join("\n"),
    };
  },
};
