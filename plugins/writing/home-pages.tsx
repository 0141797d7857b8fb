import { EmptyState, PageHeader, type PluginRoutes, requireViewer, type SafeHtml } from "../../server/plugin-api.ts";
import { mondayOf } from "./overlap.ts";
import { visiblePairs } from "./pairs.ts";
import { base, currentQuarter, type S } from "./request.ts";
import type { WritingSettings } from "./settings.ts";

/** The home-page card: your pair this quarter and where to go next. */
export async function WritingCard(s: S): Promise<SafeHtml | null> {
  const viewer = requireViewer(s);
  const quarter = currentQuarter(s);
  const mine = (await visiblePairs(s.db, viewer.id, quarter, mondayOf(s.clock.now(), viewer.timeZone))).filter(
    (p) => p.writerId === viewer.id || p.partnerId === viewer.id,
  );
  return (
    <div class="stack">
      {mine.length ? (
        <ul class="plain-list">
          {mine.map((p) => (
            <li>
              {p.writerId === viewer.id
                ? `${p.partnerName} reviews your drafts`
                : `You review ${p.writerName}'s drafts`}{" "}
              <span class="badge">{p.status}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted small">No writing partner this quarter.</p>
      )}
      <p class="small">
        <a href={base}>Writing</a> · <a href={`${base}/pairs`}>Pairs</a>
      </p>
    </div>
  ) as SafeHtml;
}

export function homePages(r: PluginRoutes<WritingSettings>): void {
  r.get("/", "member", async (_c, s) => {
    const card = await WritingCard(s);
    return s.page(
      <>
        <PageHeader title="Writing" />
        <p class="muted">
          Async teams live and die by their writing. Pair with a strong writer for the quarter, ask them to review a
          draft before you post, and watch your own trends.
        </p>
        <section class="card" aria-labelledby="pair">
          <h2 id="pair">Your pair</h2>
          {card ?? <EmptyState title="Nothing yet." />}
        </section>
      </>,
      { title: "Writing" },
    );
  });
}
