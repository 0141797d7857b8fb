import type { DigestSection } from "../../server/plugin-api.ts";
import { recentKudos } from "./kudos.ts";
import type { KudosSettings } from "./settings.ts";

/** "Kudos you received" in the person's digest; nothing when there were none in the period. */
export const kudosDigest: DigestSection<KudosSettings> = {
  id: "received",
  title: "Kudos you received",
  async render(person, period, s) {
    const items = (await recentKudos(s.db, { toId: person.id, since: period.start, limit: 20 })).filter(
      (k) => k.createdAt < period.end,
    );
    if (!items.length) return null;
    return {
      html: (
        <ul style="margin:0;padding-left:18px;">
          {items.map((k) => (
            <li>
              <strong>{k.fromName}</strong>: {k.message}
            </li>
          ))}
        </ul>
      ),
      text: items.map((k) => `- ${k.fromName}: ${k.message}`).join("\n"),
    };
  },
};
