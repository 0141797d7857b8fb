import { describe, expect, it } from "bun:test";
import { slackSignature, verifySlackRequest } from "./signature.ts";

// The worked example in Slack's "Verifying requests from Slack".
const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const timestamp = "1531420618";
const body =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const signedAt = new Date(Number(timestamp) * 1000);

describe("Slack request signatures", () => {
  it("computes Slack's documented example signature", () => {
    expect(slackSignature(secret, timestamp, body)).toBe(signature);
  });

  it("accepts the documented request within five minutes of its timestamp", () => {
    expect(verifySlackRequest(secret, { timestamp, signature }, body, signedAt)).toEqual({ ok: true });
    const later = new Date(signedAt.getTime() + 299_000);
    expect(verifySlackRequest(secret, { timestamp, signature }, body, later)).toEqual({ ok: true });
  });

  it("refuses it more than five minutes later (a replay), or earlier", () => {
    const late = new Date(signedAt.getTime() + 301_000);
    expect(verifySlackRequest(secret, { timestamp, signature }, body, late).ok).toBe(false);
    const early = new Date(signedAt.getTime() - 301_000);
    expect(verifySlackRequest(secret, { timestamp, signature }, body, early).ok).toBe(false);
  });

  it("refuses a changed body, another secret, a missing or malformed header", () => {
    expect(verifySlackRequest(secret, { timestamp, signature }, `${body}&x=1`, signedAt).ok).toBe(false);
    expect(verifySlackRequest(`${secret}x`, { timestamp, signature }, body, signedAt).ok).toBe(false);
    expect(verifySlackRequest(secret, { timestamp, signature: undefined }, body, signedAt).ok).toBe(false);
    expect(verifySlackRequest(secret, { timestamp: "12.5", signature }, body, signedAt).ok).toBe(false);
    expect(verifySlackRequest(secret, { timestamp, signature: "v0=00" }, body, signedAt).ok).toBe(false);
  });
});
