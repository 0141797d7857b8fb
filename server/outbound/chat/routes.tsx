import type { Context } from "hono";
import { z } from "zod";
import { hasRole, type Routes, viewerOf } from "../../http/access.ts";
import type { AppEnv } from "../../http/env.ts";
import { HttpError } from "../../http/errors.ts";
import { setFlash } from "../../http/flash.ts";
import { readForm } from "../../http/forms.ts";
import { redirect } from "../../http/render.tsx";
import { audit } from "../../org/audit.ts";
import { findTeam, isTeamMember, type Team } from "../../people/teams.ts";
import { webhookUrl } from "../fields.ts";
import { type ChatService, chatServices } from "../schema.ts";
import {
  type ChatConnection,
  createConnection,
  deleteConnection,
  findConnection,
  queueChatPost,
  sealedUrl,
  serviceNames,
  slashTokenHash,
  slashTokenOwner,
  updateConnection,
} from "./connections.ts";
import { chatPage } from "./views.tsx";

const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

const connectionForm = z.object({
  service: z.enum(chatServices, "Choose Microsoft Teams, Mattermost or Google Chat."),
  label: z.string().trim().max(100, "Keep the name under 100 characters.").default(""),
  url: webhookUrl,
  postBottomLines: checkbox,
  postReminders: checkbox,
  slashToken: z.string().trim().max(200, "That is not a Mattermost token.").default(""),
});

const settingsForm = connectionForm.extend({
  // Left empty, the stored URL stays (it is never shown back).
  url: z.union([z.literal(""), webhookUrl]).default(""),
  clearSlashToken: checkbox,
});

/** The team, and whether the viewer may change its channels (its managers and admins). Members may look. */
async function teamAccess(c: Context<AppEnv>): Promise<{ team: Team; canManage: boolean }> {
  const ctx = c.get("app");
  const viewer = viewerOf(c);
  const team = await findTeam(ctx.db, c.req.param("teamId") ?? "");
  if (!team) throw new HttpError(404, "There is no such team.");
  const canManage = hasRole(viewer, "admin") || (await isTeamMember(ctx.db, team.id, viewer.id, true));
  if (!canManage && !(await isTeamMember(ctx.db, team.id, viewer.id)))
    throw new HttpError(403, "Only members of this team can see its chat channels.");
  return { team, canManage };
}

async function managedTeam(c: Context<AppEnv>): Promise<Team> {
  const { team, canManage } = await teamAccess(c);
  if (!canManage) throw new HttpError(403, "Only the team's managers and admins can change its chat channels.");
  return team;
}

async function requireConnection(c: Context<AppEnv>, team: Team): Promise<ChatConnection> {
  const connection = await findConnection(c.get("app").db, team.id, c.req.param("id") ?? "");
  if (!connection) throw new HttpError(404, "This team has no such chat channel.");
  return connection;
}

async function tokenTaken(c: Context<AppEnv>, hash: string, except?: string): Promise<boolean> {
  const owner = await slashTokenOwner(c.get("app").db, hash);
  return owner !== null && owner.id !== except;
}

export function chatRoutes(r: Routes): void {
  r.get("/teams/:teamId/chat", "member", async (c) => {
    const { team, canManage } = await teamAccess(c);
    return chatPage(c, team, canManage);
  });

  r.post("/teams/:teamId/chat", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const form = await readForm(c, connectionForm);
    if (!form.ok) return chatPage(c, team, true, { values: form.values, errors: form.errors, status: 422 });
    const hash = form.data.slashToken ? slashTokenHash(form.data.slashToken) : null;
    if (hash && form.data.service !== "mattermost")
      return chatPage(c, team, true, {
        values: form.values,
        errors: { slashToken: "Slash commands are for Mattermost channels only." },
        status: 422,
      });
    if (hash && (await tokenTaken(c, hash)))
      return chatPage(c, team, true, {
        values: form.values,
        errors: { slashToken: "Another channel already uses this token." },
        status: 422,
      });
    const sealed = await sealedUrl(ctx, form.data.url);
    const now = ctx.clock.now();
    const viewer = viewerOf(c);
    await ctx.db.transaction(async (tx) => {
      const id = await createConnection(tx, {
        teamId: team.id,
        service: form.data.service as ChatService,
        label: form.data.label,
        ...sealed,
        postBottomLines: form.data.postBottomLines,
        postReminders: form.data.postReminders,
        slashTokenHash: hash,
        createdBy: viewer.id,
        at: now,
      });
      await audit(tx, {
        actorId: viewer.id,
        action: "chat.connected",
        target: id,
        details: { teamId: team.id, service: form.data.service, url: sealed.urlHint },
        at: now,
      });
    });
    setFlash(
      c,
      "success",
      `${serviceNames[form.data.service as ChatService]} channel added. Send a test post to check it.`,
    );
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const form = await readForm(c, settingsForm);
    if (!form.ok) return chatPage(c, team, true, { values: {}, errors: form.errors, status: 422 });
    const hash = form.data.slashToken ? slashTokenHash(form.data.slashToken) : null;
    if (hash && connection.service !== "mattermost")
      throw new HttpError(422, "Slash commands are for Mattermost channels only.");
    if (hash && (await tokenTaken(c, hash, connection.id)))
      throw new HttpError(409, "Another channel already uses this slash command token.");
    const sealed = form.data.url ? await sealedUrl(ctx, form.data.url) : {};
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await updateConnection(tx, connection.id, {
        label: form.data.label,
        postBottomLines: form.data.postBottomLines,
        postReminders: form.data.postReminders,
        ...sealed,
        ...(hash ? { slashTokenHash: hash } : form.data.clearSlashToken ? { slashTokenHash: null } : {}),
        at: now,
      });
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: "chat.updated",
        target: connection.id,
        details: { teamId: team.id, urlReplaced: Boolean(form.data.url) },
        at: now,
      });
    });
    setFlash(c, "success", "Channel saved.");
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id/enabled", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const form = await readForm(c, z.object({ enabled: z.enum(["true", "false"], "Say true or false.") }));
    if (!form.ok) throw new HttpError(422, "Say true or false.");
    const now = ctx.clock.now();
    const enabled = form.data.enabled === "true";
    await ctx.db.transaction(async (tx) => {
      await updateConnection(tx, connection.id, { enabled, at: now });
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: enabled ? "chat.resumed" : "chat.paused",
        target: connection.id,
        at: now,
      });
    });
    setFlash(c, "success", enabled ? "Posting resumed." : "Posting paused.");
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id/test", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const now = ctx.clock.now();
    await queueChatPost(
      ctx.db,
      connection,
      {
        dedupeKey: `chat:${connection.id}:test:${now.getTime()}`,
        eventType: "chat.test",
        message: {
          title: `DeskTrust is connected to ${team.name}`,
          summary: "This channel will get the team's weekly bottom lines and update reminders.",
          items: [],
          action: { title: "Open DeskTrust", url: ctx.config.baseUrl },
        },
      },
      now,
    );
    ctx.outboundKick.kick();
    setFlash(c, "success", "Test post queued: it goes out now. Its result shows under Recent posts.");
    return redirect(c, `/teams/${team.id}/chat`);
  });

  r.post("/teams/:teamId/chat/:id/delete", "member", async (c) => {
    const ctx = c.get("app");
    const team = await managedTeam(c);
    const connection = await requireConnection(c, team);
    const now = ctx.clock.now();
    await ctx.db.transaction(async (tx) => {
      await deleteConnection(tx, connection.id);
      await audit(tx, {
        actorId: viewerOf(c).id,
        action: "chat.removed",
        target: connection.id,
        details: { teamId: team.id, service: connection.service },
        at: now,
      });
    });
    setFlash(c, "success", "Channel removed.");
    return redirect(c, `/teams/${team.id}/chat`);
  });
}
