import { describe, expect, it } from "bun:test";
import { type ChatMessage, escapeMarkdown, googleChatPayload, mattermostPayload, teamsPayload } from "./payloads.ts";

const many: ChatMessage = {
  title: "Platform: bottom lines",
  summary: "45 wrote an update.",
  items: Array.from({ length: 45 }, (_, i) => ({
    label: `Person ${i}`,
    text: `line ${i}`,
    url: `https://d.example/u/${i}`,
  })),
  action: { title: "Read the updates", url: "https://d.example/updates" },
};

describe("chat payloads", () => {
  it("escapes Markdown in people's words for Mattermost, so text cannot forge links", () => {
    expect(escapeMarkdown("[click](https://evil.example) *now* `x` #1")).toBe(
      "\\[click\\]\\(https://evil.example\\) \\*now\\* \\`x\\` \\#1",
    );
  });

  it("HTML-escapes people's words for Google Chat", () => {
    const body = googleChatPayload(
      { ...many, items: [{ label: "<b>Eve</b>", text: 'a & "b" <script>' }] },
      "card-1",
    ) as { cardsV2: { card: { sections: { widgets: { textParagraph?: { text: string } }[] }[] } }[] };
    expect(body.cardsV2[0]?.card.sections[0]?.widgets[1]?.textParagraph?.text).toBe(
      "<b>&lt;b&gt;Eve&lt;/b&gt;</b>: a &amp; &quot;b&quot; &lt;script&gt;",
    );
  });

  it("keeps long lists readable in every service: 40 lines, then how many more", () => {
    const teams = teamsPayload(many) as { attachments: { content: { body: { text: string }[] } }[] };
    const body = teams.attachments[0]?.content.body ?? [];
    expect(body.length).toBe(2 + 40 + 1);
    expect(body.at(-1)?.text).toBe("… and 5 more.");
    const mm = mattermostPayload(many) as { attachments: { text: string }[] };
    expect(mm.attachments[0]?.text.split("\n").length).toBe(41);
    const chat = googleChatPayload(many, "c") as { cardsV2: { card: { sections: { widgets: unknown[] }[] } }[] };
    expect(chat.cardsV2[0]?.card.sections[0]?.widgets.length).toBe(1 + 40 + 1 + 1);
  });
});
