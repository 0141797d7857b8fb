import { z } from "zod";
import { definePlugin } from "../../server/plugin-api.ts";
import { giveDemoKudos } from "./demo.ts";
import { kudosDigest } from "./digest.tsx";
import { countKudos, pruneKudos, recentKudos } from "./kudos.ts";
import { notifyRecipient } from "./notify.ts";
import { KudosList, kudosApi, kudosPages } from "./routes.tsx";
import { type KudosSettings, kudosSettings } from "./settings.ts";

declare module "../../server/plugin-api.ts" {
  interface EventMap {
    "kudos.given": { kudosId: string; fromId: string; toId: string };
  }
}

/**
 * The example plugin of the author guide (docs/plugins.md): a table, pages, a JSON API, a
 * job, an event handler, a dashboard card, a digest section, settings, a command and demo data.
 */
export default definePlugin<KudosSettings>({
  id: "kudos",
  name: "Kudos",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Thank teammates for specific work; recipients hear about it in their digest.",
  migrations: `${import.meta.dir}/migrations`,
  settings: kudosSettings,
  setup(api) {
    api.pages(kudosPages);
    api.api(kudosApi);
    api.nav({ href: "/kudos", label: "Kudos", access: "member", order: 80 });
    api.card({
      id: "recent",
      title: "Recent kudos",
      access: "member",
      order: 80,
      async render(_c, s) {
        if (!(await s.settings()).showOnDashboard) return null;
        return <KudosList items={await recentKudos(s.db, { limit: 5 })} timeZone={s.viewer?.timeZone ?? "UTC"} />;
      },
    });
    api.job({
      id: "prune",
      schedule: "30 2 * * *",
      scope: "global",
      description: "Deletes kudos older than the retention setting.",
      async run(s) {
        const { retentionDays } = await s.settings();
        const removed = await pruneKudos(s.db, new Date(s.clock.now().getTime() - retentionDays * 86_400_000));
        return `removed ${removed}`;
      },
    });
    api.on("kudos.given", { id: "notify-recipient", handle: notifyRecipient });
    api.digest(kudosDigest);
    api.command({
      name: "count",
      summary: "Print how many kudos were given, optionally since a date.",
      options: z.object({
        since: z.iso.date("a date like 2026-01-31").optional().describe("Only count kudos from this day on"),
      }),
      async run(args, s) {
        const since = typeof args.since === "string" ? new Date(`${args.since}T00:00:00Z`) : undefined;
        s.out(String(await countKudos(s.db, since)));
      },
    });
    api.demo(giveDemoKudos);
  },
});
