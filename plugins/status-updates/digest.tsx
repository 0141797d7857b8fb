import { type DigestSection, markdownToText } from "../../server/plugin-api.ts";
import { checkinOf } from "./checkins.ts";
import { bottomLinesBetween, missingFor } from "./feed.ts";
import { periodAt } from "./period.ts";
import type { StatusSettings } from "./settings.ts";
import { asksWaitingOn } from "./updates.ts";

/**
 * "Status updates" in the digest: the bottom lines of the person's teams' updates posted in
 * the digest period, the asks waiting on them, and — for managers — who has not written yet.
 */
export const statusDigest: DigestSection<StatusSettings> = {
  id: "updates",
  title: "Status updates",
  async render(person, period, s) {
    const teams = await s.teamsOf(person.id);
    const [lines, waiting] = await Promise.all([
      bottomLinesBetween(
        s.db,
        teams.map((t) => t.id),
        period.start,
        period.end,
      ),
      asksWaitingOn(s.db, person.id, 10),
    ]);
    const missing: { team: string; names: string[] }[] = [];
    for (const team of teams.filter((t) => t.isManager)) {
      const checkin = await checkinOf(s.db, team);
      const current = periodAt(checkin, new Date(period.end.getTime() - 1));
      const names = (await missingFor(s.db, team.id, current.key, checkin.excludedIds)).map((m) => m.name);
      if (names.length) missing.push({ team: team.name, names });
    }
    if (!lines.length && !waiting.length && !missing.length) return null;
    const link = (id: string): string => `${s.baseUrl}/status-updates/updates/${id}`;
    const teamName = (id: string): string => teams.find((t) => t.id === id)?.name ?? "";
    const text: string[] = [];
    if (lines.length) {
      text.push("Bottom lines:");
      for (const l of lines) text.push(`- ${l.authorName} (${teamName(l.teamId)}): ${l.bottomLine} ${link(l.id)}`);
    }
    if (waiting.length) {
      text.push("", "Asks waiting on you:");
      for (const w of waiting) text.push(`- ${w.askerName}: ${markdownToText(w.text).trim()} ${link(w.updateId)}`);
    }
    if (missing.length) {
      text.push("", "Not written yet:");
      for (const m of missing) text.push(`- ${m.team}: ${m.names.join(", ")}`);
    }
    return {
      html: (
        <div>
          {lines.length ? (
            <>
              <p style="margin:0 0 4px;font-weight:bold;">Bottom lines</p>
              <ul style="margin:0 0 12px;padding-left:18px;">
                {lines.map((l) => (
                  <li>
                    <strong>{l.authorName}</strong> <span style="color:#666;">({teamName(l.teamId)})</span>:{" "}
                    <a href={link(l.id)}>{l.bottomLine || "(no bottom line)"}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {waiting.length ? (
            <>
              <p style="margin:0 0 4px;font-weight:bold;">Asks waiting on you</p>
              <ul style="margin:0 0 12px;padding-left:18px;">
                {waiting.map((w) => (
                  <li>
                    <strong>{w.askerName}</strong>: <a href={link(w.updateId)}>{markdownToText(w.text).trim()}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {missing.length ? (
            <>
              <p style="margin:0 0 4px;font-weight:bold;">Not written yet</p>
              <ul style="margin:0;padding-left:18px;">
                {missing.map((m) => (
                  <li>
                    {m.team}: {m.names.join(", ")}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ),
      text: text.join("\n"),
    };
  },
};
