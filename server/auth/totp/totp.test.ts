import { describe, expect, it } from "bun:test";
import { Secret } from "otpauth";
import { matchingStep, newTotpSecret, timeStep, totpCode, totpUri } from "./totp.ts";

// RFC 6238 Appendix B: the reference secrets are the ASCII strings below, 8 digits.
const sha1 = Secret.fromLatin1("12345678901234567890").base32;
const sha256 = Secret.fromLatin1("12345678901234567890123456789012").base32;
const sha512 = Secret.fromLatin1("1234567890123456789012345678901234567890123456789012345678901234").base32;

const vectors: [number, string, string, string][] = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

describe("TOTP codes (RFC 6238 test vectors)", () => {
  for (const [seconds, a, b, c] of vectors) {
    it(`matches the RFC at T = ${seconds}`, () => {
      const at = new Date(seconds * 1000);
      expect(totpCode(sha1, at, { digits: 8 })).toBe(a);
      expect(totpCode(sha256, at, { digits: 8, algorithm: "SHA256" })).toBe(b);
      expect(totpCode(sha512, at, { digits: 8, algorithm: "SHA512" })).toBe(c);
    });
  }
});

describe("checking a code", () => {
  const secret = newTotpSecret();
  const now = new Date("2026-03-02T09:00:10Z");

  it("accepts the current code and one step of drift either way, and says which step it was", () => {
    expect(matchingStep(secret, totpCode(secret, now), now)).toBe(timeStep(now));
    expect(matchingStep(secret, totpCode(secret, new Date(now.getTime() - 30_000)), now)).toBe(timeStep(now) - 1);
    expect(matchingStep(secret, totpCode(secret, new Date(now.getTime() + 30_000)), now)).toBe(timeStep(now) + 1);
  });

  it("refuses a code two steps old, a wrong code and anything that is not six digits", () => {
    expect(matchingStep(secret, totpCode(secret, new Date(now.getTime() - 60_000)), now)).toBeNull();
    const code = totpCode(secret, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect(matchingStep(secret, wrong, now)).toBeNull();
    expect(matchingStep(secret, "12345", now)).toBeNull();
    expect(matchingStep(secret, "abcdef", now)).toBeNull();
  });

  it("accepts a code typed with a space in the middle", () => {
    const code = totpCode(secret, now);
    expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(timeStep(now));
  });

  it("makes 160-bit secrets and an otpauth URI an authenticator app reads", () => {
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(newTotpSecret());
    const uri = totpUri(secret, "ada@example.com", "DeskTrust");
    expect(uri).toStartWith("otpauth://totp/DeskTrust:ada%40example.com?");
    expect(uri).toContain(`secret=${secret}`);
  });
});
