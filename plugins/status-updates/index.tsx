import { definePlugin } from "../../server/plugin-api.ts";
import { statusEndpoints } from "./api.ts";
import { statusReads } from "./api-reads.ts";
import { chatAsks, chatUpdates } from "./chat.ts";
import { checkinOf } from "./checkins.ts";
import { seedDemoUpdates } from "./demo.ts";
import { statusDigest } from "./digest.tsx";
import { periodAt } from "./period.ts";
import { remindMissing } from "./reminders.ts";
import { statusPages } from "./routes.tsx";
import { type StatusSettings, statusSettings } from "./settings.ts";
import { teamUpdatesProvider } from "./team-updates.ts";
import { updateFor } from "./updates.ts";

/**
 * The written weekly update that replaces the status meeting: per-team check-ins, a BLUF
 * composer with live writing hints, asks that start response-time clocks, a team feed with
 * comments and reads, search, reminders, analytics and a digest section.
 */
export default definePlugin<StatusSettings>({
  id: "status-updates",
  name: "Status updates",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Written weekly updates, bottom line first, instead of the status meeting.",
  migrations: `${import.meta.dir}/migrations`,
  settings: statusSettings,
  assets: { stylesheet: `${import.meta.dir}/status-updates.css` },
  setup(api) {
    api.pages(statusPages);
    statusReads(api);
    statusEndpoints(api);
    api.nav({ href: "/status-updates", label: "Updates", access: "member", order: 20 });
    api.nav({ href: "/status-updates?team=:teamId", label: "Updates", access: "member", order: 20, section: "team" });
    api.card({
      id: "this-week",
      title: "Your update for this week",
      access: "member",
      order: 10,
      async render(_c, s) {
        if (!s.viewer || !(await s.settings()).showOnDashboard) return null;
        const teams = await s.myTeams();
        if (!teams.length) return null;
        const rows = await Promise.all(
          teams.map(async (team) => {
            const checkin = await checkinOf(s.db, team);
            const period = periodAt(checkin, s.clock.now());
            return { team, update: await updateFor(s.db, team.id, s.viewer?.id ?? "", period.key) };
          }),
        );
        return (
          <ul class="plain-list">
            {rows.map(({ team, update }) => (
              <li>
                {team.name}:{" "}
                {update?.status === "posted" ? (
                  <>
                    <span class="badge">posted</span> <a href={`/status-updates/updates/${update.id}`}>view</a>
                  </>
                ) : (
                  <a class="button button-small" href={`/status-updates/write?team=${team.id}`}>
                    {update ? "Finish your draft" : "Write"}
                  </a>
                )}
              </li>
            ))}
          </ul>
        );
      },
    });
    api.job({
      id: "remind",
      schedule: "*/15 * * * *",
      scope: "global",
      description: "Reminds people who have not posted, at the due time in their zone and working hours.",
      async run(s) {
        return `reminded ${await remindMissing(s)}`;
      },
    });
    api.digest(statusDigest);
    // What the chat apps (Slack) need: write an update, answer an ask, a team's bottom lines.
    api.provide("chat.updates", chatUpdates);
    api.provide("chat.asks", chatAsks);
    api.provide("status.team-updates", (s) => teamUpdatesProvider(s.db));
    api.demo(seedDemoUpdates);
  },
});
