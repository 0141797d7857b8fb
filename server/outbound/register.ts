import type { AppContext } from "../context.ts";
import { chatSigners } from "./chat/connections.ts";
import { registerSigner } from "./delivery-run.ts";
import { webhookHandlers, webhookSigner } from "./webhooks.ts";

/** Wires outbound delivery into a booted app: the signers of each kind (webhooks, chat services) and the webhook event subscriptions. */
export function registerOutbound(ctx: AppContext): void {
  registerSigner(ctx.outboundSigners, webhookSigner(ctx));
  for (const signer of chatSigners(ctx)) registerSigner(ctx.outboundSigners, signer);
  for (const handler of webhookHandlers(() => ctx.outboundKick.kick())) ctx.events.on(handler);
}
