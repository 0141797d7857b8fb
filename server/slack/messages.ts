import type { Button, KnownBlock, ModalView } from "@slack/types";
import type { NotificationAction } from "../notifications/notifications.ts";
import type { ChatForm } from "../plugins/hooks.ts";

/** Block Kit action ids our buttons carry, and the callback ids of our modals. */
export const actionIds = { writeUpdate: "write_update", answerAsk: "answer_ask", open: "open_in_desktrust" } as const;
export const callbackIds = { writeUpdate: "write_update", answerAsk: "answer_ask" } as const;

/** The one input element id inside each input block (the block id is the form field's key). */
export const INPUT_ACTION_ID = "value";

/** Escapes text for Slack's mrkdwn: only &, < and > are control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const plain = (text: string, max = 150): { type: "plain_text"; text: string; emoji: boolean } => ({
  type: "plain_text",
  text: text.length > max ? `${text.slice(0, max - 1)}…` : text,
  emoji: true,
});

function actionButton(action: NotificationAction): Button {
  return action.type === "write-update"
    ? {
        type: "button",
        action_id: actionIds.writeUpdate,
        text: plain("Write update"),
        value: action.teamId,
        style: "primary",
      }
    : { type: "button", action_id: actionIds.answerAsk, text: plain("Answer"), value: action.askId, style: "primary" };
}

/** A notification as a Slack message: its title and body, the action's button, and a link to the portal. */
export function noticeMessage(
  notice: { title: string; body?: string; link?: string; action?: NotificationAction },
  baseUrl: string,
): { text: string; blocks: KnownBlock[] } {
  const body = notice.body ? `\n${escapeMrkdwn(notice.body.slice(0, 2500))}` : "";
  const buttons: Button[] = [];
  if (notice.action) buttons.push(actionButton(notice.action));
  if (notice.link)
    buttons.push({
      type: "button",
      action_id: actionIds.open,
      text: plain("Open in DeskTrust"),
      url: `${baseUrl}${notice.link}`,
    });
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(notice.title)}*${body}` } },
  ];
  if (buttons.length) blocks.push({ type: "actions", elements: buttons });
  return { text: notice.title, blocks };
}

/** A form from a plugin as a Slack modal: one input block per field, its hint under it. */
export function formModal(form: ChatForm, callbackId: string, metadata: Record<string, string>): ModalView {
  return {
    type: "modal",
    callback_id: callbackId,
    private_metadata: JSON.stringify(metadata),
    title: plain(form.title, 24),
    submit: plain("Post", 24),
    close: plain("Cancel", 24),
    blocks: [
      { type: "context", elements: [{ type: "mrkdwn", text: escapeMrkdwn(form.intro.slice(0, 2900)) }] },
      ...form.fields.map(
        (field): KnownBlock => ({
          type: "input",
          block_id: field.key,
          label: plain(field.label, 2000),
          hint: plain(field.hint, 2000),
          optional: field.optional,
          element: { type: "plain_text_input", action_id: INPUT_ACTION_ID, multiline: field.multiline },
        }),
      ),
    ],
  };
}

/** A modal that only tells the person something (done, or why it cannot be done). */
export function noticeModal(title: string, text: string, link?: { url: string; label: string }): ModalView {
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(text.slice(0, 2900)) } }];
  if (link)
    blocks.push({
      type: "actions",
      elements: [{ type: "button", action_id: actionIds.open, text: plain(link.label), url: link.url }],
    });
  return { type: "modal", title: plain(title, 24), close: plain("Close", 24), blocks };
}

/** A team's bottom lines as a channel message. */
export function bottomLinesMessage(
  summary: { title: string; lines: { author: string; text: string; link: string }[] },
  baseUrl: string,
): { text: string; blocks: KnownBlock[] } {
  const lines = summary.lines.map(
    (l) => `• *${escapeMrkdwn(l.author)}*: ${escapeMrkdwn(l.text || "(no bottom line)")} <${baseUrl}${l.link}|read>`,
  );
  const blocks: KnownBlock[] = [{ type: "header", text: plain(summary.title) }];
  // A section holds 3000 characters: split long lists over several.
  let chunk = "";
  for (const line of lines) {
    if (chunk && chunk.length + line.length + 1 > 2900) {
      blocks.push({ type: "section", text: { type: "mrkdwn", text: chunk } });
      chunk = "";
    }
    chunk = chunk ? `${chunk}\n${line}` : line.slice(0, 2900);
  }
  if (chunk) blocks.push({ type: "section", text: { type: "mrkdwn", text: chunk } });
  return { text: summary.title, blocks: blocks.slice(0, 50) };
}

/** The values of a submitted modal, keyed by block id (our field keys). */
export function submittedValues(state: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (!state || typeof state !== "object") return values;
  for (const [blockId, inputs] of Object.entries((state as { values?: Record<string, unknown> }).values ?? {})) {
    const input = (inputs as Record<string, { value?: unknown }> | null)?.[INPUT_ACTION_ID];
    if (typeof input?.value === "string") values[blockId] = input.value;
  }
  return values;
}
