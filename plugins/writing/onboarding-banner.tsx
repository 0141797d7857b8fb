import type { RequestServices, SafeHtml } from "../../server/plugin-api.ts";
import { onboardingOf } from "./onboarding.ts";
import type { WritingSettings } from "./settings.ts";

/** The home-page banner for a new hire's first two weeks; nothing for anyone else. */
export async function onboardingBanner(s: RequestServices<WritingSettings>): Promise<SafeHtml | null> {
  if (!s.viewer) return null;
  const o = await onboardingOf(s.db, s.viewer.id, s.clock.now());
  if (!o) return null;
  return (
    <div class="stack writing-banner">
      <p>
        <strong>Welcome!</strong> Your first two weeks are for meeting people in real time. Nobody will remind you about
        weekly updates or escalate late asks to your manager before <time datetime={o.endsOn}>{o.endsOn}</time>.
      </p>
      {o.buddy ? (
        <p>
          Your buddy: <a href={`mailto:${o.buddy.email}`}>{o.buddy.name}</a>, for the questions nobody writes down.
        </p>
      ) : null}
      {o.managers.length || o.teammates.length ? (
        <>
          <p>First 1:1s to schedule:</p>
          <ul>
            {[
              ...o.managers.map((m) => ({ ...m, role: "manager" })),
              ...o.teammates.map((m) => ({ ...m, role: "teammate" })),
            ].map((p) => (
              <li>
                <a href={`mailto:${p.email}`}>{p.name}</a> <span class="muted small">({p.role})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  ) as SafeHtml;
}
