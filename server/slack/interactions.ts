import type { ModalView } from "@slack/types";
import type { SlackConfig } from "../config.ts";
import type { AppContext } from "../context.ts";
import { teamsOf } from "../people/teams.ts";
import type { ChatOutcome } from "../plugins/hooks.ts";
import { type LinkedPerson, personForSlackUser } from "./accounts.ts";
import { callSlack } from "./api.ts";
import { actionIds, callbackIds, formModal, noticeModal, submittedValues } from "./messages.ts";

/** What an interactivity request answers Slack: nothing (200), or a JSON body (modal errors, a new view). */
export type SlackReply = { status: 200; json?: Record<string, unknown> };

const notLinked =
  "Your Slack account is not linked to a DeskTrust account. Slack must show the same email address as DeskTrust, and it must be verified in Slack.";

/**
 * Opens a modal for a click or a slash command. Called directly, not queued: a trigger_id is
 * valid for 3 seconds, so an outbox retry minutes later could never open it.
 */
async function openModal(ctx: AppContext, config: SlackConfig, triggerId: string, view: ModalView): Promise<void> {
  const opened = await callSlack(config, "views.open", { trigger_id: triggerId, view: view as never });
  // Slack shows the person nothing when this fails; the log is where an admin finds out why.
  if (!opened.ok) ctx.logger.warn("slack views.open failed", { error: opened.error });
}

/** Opens the update form for the person (on the given team, or their first). */
export async function openUpdateModal(
  ctx: AppContext,
  config: SlackConfig,
  input: { slackUserId: string; triggerId: string; teamId?: string | undefined; teamName?: string | undefined },
): Promise<void> {
  const person = await personForSlackUser(ctx.db, config, input.slackUserId, ctx.clock.now());
  const updates = ctx.plugins.activeProvider("chat.updates");
  if (!person) return openModal(ctx, config, input.triggerId, noticeModal("Not linked", notLinked));
  if (!updates)
    return openModal(ctx, config, input.triggerId, noticeModal("Not available", "Status updates are switched off."));
  let teamId = input.teamId;
  if (input.teamName) {
    const named = (await teamsOf(ctx.db, person.id)).find(
      (t) => t.name.toLowerCase() === input.teamName?.toLowerCase(),
    );
    if (!named)
      return openModal(
        ctx,
        config,
        input.triggerId,
        noticeModal("No such team", `You are on no team called “${input.teamName}”.`),
      );
    teamId = named.id;
  }
  const form = await updates.form(person.id, teamId);
  if (!form)
    return openModal(
      ctx,
      config,
      input.triggerId,
      noticeModal("No team", "You are on no team to write an update for."),
    );
  return openModal(ctx, config, input.triggerId, formModal(form, callbackIds.writeUpdate, { teamId: form.teamId }));
}

async function openAnswerModal(
  ctx: AppContext,
  config: SlackConfig,
  person: LinkedPerson,
  input: { triggerId: string; askId: string },
): Promise<void> {
  const asks = ctx.plugins.activeProvider("chat.asks");
  const form = asks ? await asks.form(input.askId, person.id) : null;
  if (!form)
    return openModal(
      ctx,
      config,
      input.triggerId,
      noticeModal("Nothing to answer", "This ask is answered already, or it is not addressed to you."),
    );
  return openModal(ctx, config, input.triggerId, formModal(form, callbackIds.answerAsk, { askId: input.askId }));
}

/** A Slack interactivity payload, as much of it as we read. */
export interface InteractionPayload {
  type?: string;
  trigger_id?: string;
  user?: { id?: string };
  actions?: { action_id?: string; value?: string }[];
  view?: { callback_id?: string; private_metadata?: string; state?: unknown };
}

/** Handles a button click (`block_actions`) or a modal submission (`view_submission`). */
export async function handleInteraction(
  ctx: AppContext,
  config: SlackConfig,
  payload: InteractionPayload,
): Promise<SlackReply> {
  const slackUserId = payload.user?.id;
  if (!slackUserId) return { status: 200 };
  if (payload.type === "block_actions") {
    const action = payload.actions?.[0];
    const triggerId = payload.trigger_id;
    if (!action || !triggerId || action.action_id === actionIds.open) return { status: 200 };
    if (action.action_id === actionIds.writeUpdate) {
      await openUpdateModal(ctx, config, { slackUserId, triggerId, teamId: action.value });
      return { status: 200 };
    }
    if (action.action_id === actionIds.answerAsk && action.value) {
      const person = await personForSlackUser(ctx.db, config, slackUserId, ctx.clock.now());
      if (!person) await openModal(ctx, config, triggerId, noticeModal("Not linked", notLinked));
      else await openAnswerModal(ctx, config, person, { triggerId, askId: action.value });
    }
    return { status: 200 };
  }
  if (payload.type === "view_submission" && payload.view) {
    const person = await personForSlackUser(ctx.db, config, slackUserId, ctx.clock.now());
    if (!person)
      return { status: 200, json: { response_action: "update", view: noticeModal("Not linked", notLinked) } };
    const metadata = parseMetadata(payload.view.private_metadata);
    const values = submittedValues(payload.view.state);
    let outcome: ChatOutcome | null = null;
    if (payload.view.callback_id === callbackIds.writeUpdate && metadata.teamId) {
      const updates = ctx.plugins.activeProvider("chat.updates");
      outcome = updates ? await updates.post(person.id, metadata.teamId, values) : null;
    } else if (payload.view.callback_id === callbackIds.answerAsk && metadata.askId) {
      const asks = ctx.plugins.activeProvider("chat.asks");
      outcome = asks ? await asks.answer(metadata.askId, person.id, values.answer ?? "") : null;
    }
    if (!outcome)
      return {
        status: 200,
        json: { response_action: "update", view: noticeModal("Not available", "This form is no longer available.") },
      };
    if (!outcome.ok)
      return { status: 200, json: { response_action: "errors", errors: onBlocks(outcome.errors, payload.view.state) } };
    const done = noticeModal("Done", outcome.message, {
      url: `${ctx.config.baseUrl}${outcome.link}`,
      label: "Open in DeskTrust",
    });
    return { status: 200, json: { response_action: "update", view: done } };
  }
  return { status: 200 };
}

/** Slack shows errors only under input blocks: one about the whole form goes under the first. */
function onBlocks(errors: Record<string, string>, state: unknown): Record<string, string> {
  const blocks = Object.keys((state as { values?: Record<string, unknown> } | null)?.values ?? {});
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const block = blocks.includes(key) ? key : (blocks[0] ?? key);
    out[block] = out[block] ? `${out[block]} ${message}` : message;
  }
  return out;
}

function parseMetadata(text: string | undefined): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text ?? "{}");
    if (!parsed || typeof parsed !== "object") return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    return {};
  }
}
