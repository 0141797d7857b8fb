import { definePlugin } from "../../server/plugin-api.ts";
import { sendAlerts } from "./alerts.ts";
import { slaApi, slaEndpoints } from "./api.ts";
import { businessCalendarProvider } from "./calendars.ts";
import { openClocks, reconcileAbsences } from "./clocks.ts";
import { demoClocks } from "./demo.ts";
import { slaDigest } from "./digest.tsx";
import { onAskAnswered, onAskCreated } from "./inbound.ts";
import { slaPages } from "./routes.tsx";
import { type SlaSettings, slaSettings } from "./settings.ts";
import { WaitingList } from "./views.tsx";

/** What an SLA warning or breach carries: the clock, the ask it runs on (`askId` as in `ask.created`), and its responder. */
export interface SlaAlertEvent {
  clockId: string;
  askId: string;
  source: string;
  teamId: string;
  responderId: string;
  title: string;
  link: string;
  dueAt: string | null;
}

declare module "../../server/plugin-api.ts" {
  interface EventMap {
    /** Most of an ask's response time has passed (the charter's warning fraction). */
    "sla.warning": SlaAlertEvent;
    /** An ask's response time has passed without a response from this responder. */
    "sla.breached": SlaAlertEvent;
  }
}

/**
 * Published response-time norms (a charter per team), business calendars, and SLA clocks on asks
 * from the portal and from webhooks, with warnings, breaches, reports and a digest section.
 */
export default definePlugin<SlaSettings>({
  id: "sla",
  name: "Response times",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Team charters of response times per work type and medium, and the clocks that keep them.",
  migrations: `${import.meta.dir}/migrations`,
  settings: slaSettings,
  assets: { stylesheet: `${import.meta.dir}/sla.css` },
  setup(api) {
    api.pages(slaPages);
    api.api(slaApi);
    slaEndpoints(api);
    api.nav({ href: "/sla", label: "Response times", access: "member", order: 40 });
    api.nav({
      href: "/sla/teams/:teamId",
      label: "Charter",
      access: "member",
      order: 40,
      section: "team",
    });
    api.card({
      id: "waiting",
      title: "Waiting on you",
      access: "member",
      order: 20,
      async render(_c, s) {
        const viewer = s.viewer;
        if (!viewer) return null;
        const items = await openClocks(s.db, { responderId: viewer.id }, s.clock.now(), 5);
        return <WaitingList items={items} timeZone={viewer.timeZone} />;
      },
    });
    api.job({
      id: "breaches",
      schedule: "*/5 * * * *",
      scope: "global",
      description: "Pauses and resumes clocks for out-of-office responders, then sends due warnings and breaches once.",
      async run(s) {
        const now = s.clock.now();
        const absences = await reconcileAbsences(s.db, now);
        const alerts = await sendAlerts(s, now);
        return `paused ${absences.paused}, resumed ${absences.resumed}, warnings ${alerts.warnings}, breaches ${alerts.breaches}`;
      },
    });
    api.on("ask.created", { id: "start-clocks", handle: (e, s) => onAskCreated(e, s) });
    api.on("ask.answered", { id: "stop-clocks", handle: (e, s) => onAskAnswered(e, s) });
    api.digest(slaDigest);
    api.demo((tx, demo, s) => demoClocks(tx, demo, s));
    api.provide("calendar.business", (s) => businessCalendarProvider(() => s.db));
  },
});
