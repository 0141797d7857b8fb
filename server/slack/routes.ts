import type { Context } from "hono";
import type { SlackConfig } from "../config.ts";
import type { Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { handleInteraction, type InteractionPayload, openUpdateModal } from "./interactions.ts";
import { verifySlackRequest } from "./signature.ts";

type Verified = { ok: true; config: SlackConfig; body: string } | { ok: false; response: Response };

/**
 * Every request from Slack is checked against the app's signing secret over the raw body, and
 * refused when older than five minutes; nothing else authenticates these routes.
 */
async function verified(c: Context<AppEnv>): Promise<Verified> {
  const ctx = c.get("app");
  const config = ctx.config.slack;
  if (!config)
    return {
      ok: false,
      response: c.json({ error: "The Slack app is not set up here (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)." }, 401),
    };
  const body = await c.req.text();
  const check = verifySlackRequest(
    config.signingSecret,
    { timestamp: c.req.header("X-Slack-Request-Timestamp"), signature: c.req.header("X-Slack-Signature") },
    body,
    ctx.clock.now(),
  );
  if (!check.ok) return { ok: false, response: c.json({ error: check.reason }, 401) };
  return { ok: true, config, body };
}

function jsonOf(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The Slack app's Request URLs: Events, Interactivity and the `/desktrust` slash command. */
export function slackRoutes(r: Routes): void {
  r.post("/integrations/slack/events", "token", async (c) => {
    const request = await verified(c);
    if (!request.ok) return request.response;
    const event = jsonOf(request.body);
    if (!event) return c.json({ error: "Expected a JSON event." }, 400);
    // Slack checks a new Request URL by asking it to echo a challenge.
    if (event.type === "url_verification") return c.json({ challenge: String(event.challenge ?? "") });
    return c.body(null, 200);
  });

  r.post("/integrations/slack/interactivity", "token", async (c) => {
    const request = await verified(c);
    if (!request.ok) return request.response;
    const payload = jsonOf(new URLSearchParams(request.body).get("payload") ?? "");
    if (!payload) return c.json({ error: "Expected a form field payload holding JSON." }, 400);
    const reply = await handleInteraction(c.get("app"), request.config, payload as InteractionPayload);
    return reply.json ? c.json(reply.json, reply.status) : c.body(null, reply.status);
  });

  r.post("/integrations/slack/commands", "token", async (c) => {
    const request = await verified(c);
    if (!request.ok) return request.response;
    const form = new URLSearchParams(request.body);
    const [verb, ...rest] = (form.get("text") ?? "").trim().split(/\s+/);
    const slackUserId = form.get("user_id") ?? "";
    const triggerId = form.get("trigger_id") ?? "";
    if (verb?.toLowerCase() !== "update" || !slackUserId || !triggerId)
      return c.json({
        response_type: "ephemeral",
        text: "Try `/desktrust update` to write your update, or `/desktrust update <team name>` for another team.",
      });
    await openUpdateModal(c.get("app"), request.config, {
      slackUserId,
      triggerId,
      teamName: rest.join(" ") || undefined,
    });
    return c.body(null, 200);
  });
}
