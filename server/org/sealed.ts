import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { AppContext } from "../context.ts";
import { installSecret } from "./secrets.ts";

const keys = new WeakMap<AppContext, Promise<Buffer>>();

function key(ctx: AppContext): Promise<Buffer> {
  let k = keys.get(ctx);
  if (!k) {
    k = (async () =>
      createHash("sha256")
        .update(`desktrust:seal:${ctx.config.secretKey ?? (await installSecret(ctx.db, "encryption"))}`)
        .digest())();
    keys.set(ctx, k);
  }
  return k;
}

/**
 * Encrypts a secret for storage (AES-256-GCM, random IV; the key comes from SECRET_KEY or the
 * install secret). Use it for secrets the app must read back, such as calendar feed URLs.
 */
export async function seal(ctx: AppContext, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await key(ctx), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString("base64url")}.${body.toString("base64url")}`;
}

/** Decrypts what `seal` produced; null when it was tampered with or sealed under another key. */
export async function unseal(ctx: AppContext, sealed: string): Promise<string | null> {
  const [version, iv, body] = sealed.split(".");
  if (version !== "v1" || !iv || !body) return null;
  try {
    const data = Buffer.from(body, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", await key(ctx), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
