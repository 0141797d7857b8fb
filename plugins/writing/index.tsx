import { definePlugin } from "../../server/plugin-api.ts";
import { seedDemoWriting } from "./demo.ts";
import { writingDigest } from "./digest.tsx";
import { WritingCard } from "./home-pages.tsx";
import { onCommentCreated, onStatusPosted } from "./measure-events.ts";
import { newHiresAmong } from "./onboarding.ts";
import { onboardingBanner } from "./onboarding-banner.tsx";
import { reviewPanel } from "./review-panel.tsx";
import { writingPages } from "./routes.ts";
import { type WritingSettings, writingSettings } from "./settings.ts";
import { trendApi } from "./trend-pages.tsx";

/**
 * The playbook's fourth step, invest in writing: opt-in writing pairs each quarter, draft review
 * by the partner before posting, a quarterly workshop with pledges, each writer's own trends
 * (team trends only as aggregates), and new hires' first two weeks kept synchronous.
 */
export default definePlugin<WritingSettings>({
  id: "writing",
  name: "Writing",
  version: "1.0.0",
  apiVersion: "^1.0.0",
  description: "Writing pairs, draft reviews before posting, a quarterly workshop and your own writing trends.",
  migrations: `${import.meta.dir}/migrations`,
  settings: writingSettings,
  assets: { stylesheet: `${import.meta.dir}/writing.css` },
  setup(api) {
    api.pages(writingPages);
    api.api(trendApi);
    api.on("status.posted", { id: "measure-update", handle: onStatusPosted });
    api.on("comment.created", { id: "spot-clarifications", handle: onCommentCreated });
    api.editorPanel({ id: "partner-review", editors: ["status-update", "brief"], render: reviewPanel });
    api.exemption({
      id: "onboarding",
      kinds: ["update-reminders", "ask-escalations"],
      exempt: (db, personIds, at) => newHiresAmong(db, personIds, at),
    });
    api.card({
      id: "onboarding",
      title: "Your first two weeks",
      access: "member",
      order: 1,
      render: (_c, s) => onboardingBanner(s),
    });
    api.nav({ href: "/writing", label: "Writing", access: "member", order: 60 });
    api.digest(writingDigest);
    api.demo(seedDemoWriting);
    api.card({
      id: "writing",
      title: "Your writing",
      access: "member",
      order: 60,
      async render(_c, s) {
        if (!(await s.settings()).showOnDashboard) return null;
        return WritingCard(s);
      },
    });
  },
});
