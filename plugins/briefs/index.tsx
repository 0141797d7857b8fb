import { definePlugin } from "../../server/plugin-api.ts";
import { briefsApi, briefsEndpoints } from "./api.ts";
import { briefPages } from "./brief-pages.tsx";
import { awaitingReviewBy } from "./briefs.ts";
import { decisionPages } from "./decision-pages.tsx";
import { addDemoBriefs } from "./demo.ts";
import { briefsDigest } from "./digest.tsx";
import { interviewPages } from "./interview-pages.tsx";
import { owedNotes } from "./interviews.ts";
import { runDebriefJob } from "./reminders.ts";
import { type BriefsSettings, briefsSettings } from "./settings.ts";
import { When } from "./views.tsx";

/**
 * Kickoff briefs (circulated, commented, synthesized, decided), blind hiring debriefs, and the
 * decisions log they feed.
 */
export default definePlugin<BriefsSettings>({
  id: "briefs",
  name: "Briefs",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Kickoff briefs, blind hiring debriefs and a searchable decisions log.",
  migrations: `${import.meta.dir}/migrations`,
  settings: briefsSettings,
  assets: { stylesheet: `${import.meta.dir}/briefs.css` },
  setup(api) {
    api.pages((r) => {
      interviewPages(r);
      decisionPages(r);
      briefPages(r);
    });
    api.api(briefsApi);
    briefsEndpoints(api);
    api.nav({ href: "/briefs", label: "Briefs", access: "member", order: 60 });
    api.card({
      id: "waiting",
      title: "Briefs and debriefs waiting on you",
      access: "member",
      order: 60,
      async render(_c, s) {
        if (!s.viewer) return null;
        const now = s.clock.now();
        const [reviews, owed] = await Promise.all([
          awaitingReviewBy(s.db, s.viewer.id),
          owedNotes(s.db, { personId: s.viewer.id, since: new Date(now.getTime() - 14 * 86_400_000), until: now }),
        ]);
        if (!reviews.length && !owed.length) return null;
        const tz = s.viewer.timeZone;
        return (
          <ul class="plain-list">
            {reviews.slice(0, 5).map((b) => (
              <li>
                Review <a href={`/briefs/${b.id}`}>{b.title}</a>
                {b.commentDeadline ? (
                  <span class="muted small">
                    {" "}
                    · due <When at={b.commentDeadline} timeZone={tz} />
                  </span>
                ) : null}
              </li>
            ))}
            {owed.slice(0, 5).map((n) => (
              <li>
                Write your debrief note: <a href={`/briefs/interviews/${n.interviewId}`}>{n.role}</a>
              </li>
            ))}
          </ul>
        );
      },
    });
    api.job({
      id: "debriefs",
      schedule: "*/15 * * * *",
      scope: "global",
      description:
        "Opens a debrief ask per interviewer when an interview ends, and reminds them before and at the deadline.",
      run: runDebriefJob,
    });
    api.digest(briefsDigest);
    api.demo(addDemoBriefs);
  },
});
