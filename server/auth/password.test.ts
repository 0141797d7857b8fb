import { describe, expect, it } from "bun:test";
import { hashPassword, verifyPassword } from "./password.ts";

describe("passwords", () => {
  it("verifies a password against its argon2id hash, and nothing against no hash", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toStartWith("$argon2id$");
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("wrong horse battery", hash)).toBe(false);
    // An unknown address is checked against a dummy hash, made on first use (or warmed after
    // start): same work, same answer whatever the password.
    expect(await verifyPassword("correct horse battery", null)).toBe(false);
    expect(await verifyPassword("not-a-real-password", null)).toBe(false);
  });
});
