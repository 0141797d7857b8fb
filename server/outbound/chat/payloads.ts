import type { ChatService } from "../schema.ts";
import type { JsonValue } from "../types.ts";

/** A channel post in service-neutral form; `chatPayload` turns it into each service's documented JSON. */
export interface ChatMessage {
  title: string;
  summary: string;
  /** Lines under the summary ("Ada: shipped search"), each with an optional absolute link. */
  items: { label?: string; text: string; url?: string }[];
  /** The main button. */
  action: { title: string; url: string };
}

/** "Week of 2 Mar 2026" → "week of 2 Mar 2026", for use inside a sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Posts stay readable: longer lists end with a pointer to the portal. */
const MAX_ITEMS = 40;

/** Backslash-escapes Markdown punctuation in people's text so it cannot forge links or formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()#>|~<]/g, (c) => `\\${c}`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
}

function shown(message: ChatMessage): { items: ChatMessage["items"]; more: number } {
  return { items: message.items.slice(0, MAX_ITEMS), more: Math.max(0, message.items.length - MAX_ITEMS) };
}

function markdownItem(item: ChatMessage["items"][number], escaped: (text: string) => string): string {
  const label = item.label ? `**${escaped(item.label)}**: ` : "";
  return `${label}${escaped(item.text)}${item.url ? ` [Open](${item.url})` : ""}`;
}

// Adaptive Cards render a Markdown subset without backslash escapes: a backslash would show.
const asIs = (text: string): string => text;

/**
 * Microsoft Teams, through a Workflows "post to a channel when a webhook request is received"
 * flow: a message with one Adaptive Card attachment (schema 1.4).
 * https://learn.microsoft.com/en-us/connectors/teams/?tabs=text1#microsoft-teams-webhook
 */
export function teamsPayload(message: ChatMessage): JsonValue {
  const { items, more } = shown(message);
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: message.title, weight: "Bolder", size: "Medium", wrap: true },
            { type: "TextBlock", text: message.summary, wrap: true },
            ...items.map((item) => ({
              type: "TextBlock",
              text: markdownItem(item, asIs),
              wrap: true,
              spacing: "Small",
            })),
            ...(more ? [{ type: "TextBlock", text: `… and ${more} more.`, wrap: true, isSubtle: true }] : []),
          ],
          actions: [{ type: "Action.OpenUrl", title: message.action.title, url: message.action.url }],
        },
      },
    ],
  };
}

/**
 * Mattermost incoming webhook: Markdown `text` and Slack-compatible `attachments`.
 * https://developers.mattermost.com/integrate/webhooks/incoming/
 */
export function mattermostPayload(message: ChatMessage): JsonValue {
  const { items, more } = shown(message);
  const lines = [
    ...items.map((item) => `- ${markdownItem(item, escapeMarkdown)}`),
    ...(more ? [`- … and ${more} more.`] : []),
  ];
  return {
    text: `#### ${escapeMarkdown(message.title)}\n${escapeMarkdown(message.summary)}`,
    attachments: [
      {
        fallback: `${message.title}: ${message.summary} ${message.action.url}`,
        color: "#1d4ed8",
        title: message.action.title,
        title_link: message.action.url,
        text: lines.join("\n"),
      },
    ],
  };
}

/**
 * Google Chat incoming webhook: a message with one card (`cardsV2`), whose text widgets take a
 * small HTML subset (so people's text is HTML-escaped).
 * https://developers.google.com/workspace/chat/api/reference/rest/v1/cards
 */
export function googleChatPayload(message: ChatMessage, cardId: string): JsonValue {
  const { items, more } = shown(message);
  const paragraph = (text: string): JsonValue => ({ textParagraph: { text } });
  return {
    cardsV2: [
      {
        cardId,
        card: {
          header: { title: message.title, subtitle: "DeskTrust" },
          sections: [
            {
              widgets: [
                paragraph(escapeHtml(message.summary)),
                ...items.map((item) =>
                  paragraph(
                    `${item.label ? `<b>${escapeHtml(item.label)}</b>: ` : ""}${escapeHtml(item.text)}${
                      item.url ? ` <a href="${escapeHtml(item.url)}">Open</a>` : ""
                    }`,
                  ),
                ),
                ...(more ? [paragraph(`… and ${more} more.`)] : []),
                {
                  buttonList: {
                    buttons: [{ text: message.action.title, onClick: { openLink: { url: message.action.url } } }],
                  },
                },
              ],
            },
          ],
        },
      },
    ],
  };
}

/** The request body for a service. `id` names the post (Google Chat's card id). */
export function chatPayload(service: ChatService, message: ChatMessage, id: string): JsonValue {
  if (service === "teams") return teamsPayload(message);
  if (service === "mattermost") return mattermostPayload(message);
  return googleChatPayload(message, id);
}
