import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { type DbOrTx, HttpError, people, teamMembers, teams } from "../../server/plugin-api.ts";
import { devices, pauses } from "./schema.ts";

/**
 * Device tokens carry their own prefix: core treats `dtk_` bearer tokens as its API tokens and
 * leaves every other bearer token to the route, so ours must never start with `dtk_`.
 */
export const DEVICE_TOKEN_PREFIX = "dta_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface DeviceView {
  id: string;
  name: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  revokedAt: Date | null;
}

/** Registers a device and returns its token: the only time the token exists in clear. */
export async function registerDevice(
  db: DbOrTx,
  input: { personId: string; name: string; at: Date },
): Promise<{ deviceId: string; token: string }> {
  const token = `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await db
    .insert(devices)
    .values({ personId: input.personId, name: input.name, tokenHash: hashToken(token), createdAt: input.at })
    .returning({ id: devices.id });
  return { deviceId: (row as { id: string }).id, token };
}

/** Revokes one of the person's own devices; false when it is not theirs or already revoked. */
export async function revokeDevice(db: DbOrTx, personId: string, deviceId: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(devices)
    .set({ revokedAt: at })
    .where(and(eq(devices.id, deviceId), eq(devices.personId, personId), isNull(devices.revokedAt)))
    .returning({ id: devices.id });
  return rows.length > 0;
}

export async function devicesOf(db: DbOrTx, personId: string): Promise<DeviceView[]> {
  return db
    .select({
      id: devices.id,
      name: devices.name,
      createdAt: devices.createdAt,
      lastSeenAt: devices.lastSeenAt,
      revokedAt: devices.revokedAt,
    })
    .from(devices)
    .where(eq(devices.personId, personId))
    .orderBy(desc(devices.createdAt));
}

/** Active devices per team, for admins: counts only, never who. */
export async function deviceCountsByTeam(db: DbOrTx): Promise<{ team: string; devices: number }[]> {
  const rows = await db
    .select({ team: teams.name, devices: count(devices.id) })
    .from(teams)
    .leftJoin(teamMembers, eq(teamMembers.teamId, teams.id))
    .leftJoin(devices, and(eq(devices.personId, teamMembers.personId), isNull(devices.revokedAt)))
    .groupBy(teams.id, teams.name)
    .orderBy(teams.name);
  return rows.map((r) => ({ team: r.team, devices: Number(r.devices) }));
}

export interface AuthenticatedDevice {
  deviceId: string;
  personId: string;
  paused: boolean;
  /** The bearer token itself, kept in memory for this request only: the heartbeat-merge key. */
  token: string;
}

/**
 * Authenticates the bearer device token of a request: 401 when it is missing, unknown or
 * revoked, 403 when its owner was deactivated. One indexed query; `last_seen_at` is written at
 * most once a minute so a busy heartbeat stream does not rewrite the row on every request.
 */
export async function authenticateDevice(c: Context, db: DbOrTx, now: Date): Promise<AuthenticatedDevice> {
  const header = c.req.header("Authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (!token) throw new HttpError(401, "Send a device token: Authorization: Bearer dta_…");
  if (!token.startsWith(DEVICE_TOKEN_PREFIX)) throw new HttpError(401, "That is not a device token.");
  const [row] = await db
    .select({
      deviceId: devices.id,
      personId: devices.personId,
      revokedAt: devices.revokedAt,
      lastSeenAt: devices.lastSeenAt,
      status: people.status,
      paused: sql<boolean>`${pauses.personId} is not null`,
    })
    .from(devices)
    .innerJoin(people, eq(people.id, devices.personId))
    .leftJoin(pauses, eq(pauses.personId, devices.personId))
    .where(eq(devices.tokenHash, hashToken(token)));
  if (!row) throw new HttpError(401, "Unknown device token.");
  if (row.revokedAt) throw new HttpError(401, "This device token was revoked.");
  if (row.status !== "active") throw new HttpError(403, "The person this device belongs to is deactivated.");
  if (!row.lastSeenAt || now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    await db.update(devices).set({ lastSeenAt: now }).where(eq(devices.id, row.deviceId));
  }
  return { deviceId: row.deviceId, personId: row.personId, paused: Boolean(row.paused), token };
}
