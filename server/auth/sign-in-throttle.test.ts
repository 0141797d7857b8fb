import { afterAll, describe, expect, it } from "bun:test";
import { TEST_PASSWORD, type TestClient, testApp } from "../testing/test-app.ts";
import { perClientDelays } from "./sign-in-throttle.ts";

// Password guessing slows the guesser, never the owner (OWASP: per account and client, growing
// delays, no lockout). Clients are told apart by address here (TRUST_PROXY) and by the device
// cookie a browser gets when it signs in.

const t = await testApp({ env: { TRUST_PROXY: "true" } });
afterAll(() => t.close());

const from = (ip: string, client: TestClient = t.client()) => ({
  client,
  login: (email: string, password: string) => client.post("/login", { email, password }, { "X-Forwarded-For": ip }),
});
const WRONG = "not the password";

async function fail(times: number, email: string, ip: string): Promise<void> {
  const attacker = from(ip);
  for (let i = 0; i < times; i++) await attacker.login(email, WRONG);
}

describe("growing delays per account and client", () => {
  it("lets 5 mistakes through, then doubles the wait with each further failure", async () => {
    const person = await t.person();
    const attacker = from("203.0.113.1");
    for (let i = 0; i < perClientDelays.free; i++) expect((await attacker.login(person.email, WRONG)).status).toBe(422);
    expect((await attacker.login(person.email, WRONG)).status).toBe(422);
    const first = await attacker.login(person.email, WRONG);
    expect([first.status, first.headers.get("Retry-After")]).toEqual([429, "2"]);
    t.clock.advance(2_000);
    expect((await attacker.login(person.email, WRONG)).status).toBe(422);
    const second = await attacker.login(person.email, WRONG);
    expect([second.status, second.headers.get("Retry-After")]).toEqual([429, "4"]);
  });

  it("caps the wait at 15 minutes instead of locking the account", async () => {
    const person = await t.person();
    const attacker = from("203.0.113.2");
    let retryAfter = 0;
    for (let i = 0; i < 30; i++) {
      const res = await attacker.login(person.email, WRONG);
      if (res.status === 429) {
        retryAfter = Number(res.headers.get("Retry-After"));
        t.clock.advance(retryAfter * 1000);
      }
    }
    expect(retryAfter).toBe(900);
  });

  it("lets the owner sign in from her own client while a guesser elsewhere is slowed", async () => {
    const owner = await t.person({ role: "owner" });
    await fail(12, owner.email, "198.51.100.7");
    expect((await from("198.51.100.7").login(owner.email, TEST_PASSWORD)).status).toBe(429);
    expect((await from("192.0.2.10").login(owner.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("lets the owner's known browser in even when the guesser shares her address", async () => {
    const owner = await t.person();
    const browser = from("192.0.2.20");
    expect((await browser.login(owner.email, TEST_PASSWORD)).status).toBe(303);
    await browser.client.post("/logout");
    await fail(12, owner.email, "192.0.2.20");
    expect((await browser.login(owner.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("does not slow other accounts tried from the same address (no address-wide lockout)", async () => {
    const [a, b] = [await t.person(), await t.person()];
    await fail(12, a.email, "203.0.113.50");
    expect((await from("203.0.113.50").login(b.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("counts parallel guesses: a burst cannot slip through one open moment", async () => {
    const person = await t.person();
    const attacker = from("203.0.113.60");
    const burst = await Promise.all(Array.from({ length: 12 }, () => attacker.login(person.email, WRONG)));
    const tried = burst.filter((res) => res.status === 422).length;
    expect(tried).toBeLessThanOrEqual(perClientDelays.free + 1);
  });

  it("slows guesses spread over many addresses, but never the owner's known browser", async () => {
    const owner = await t.person();
    const browser = from("192.0.2.30");
    expect((await browser.login(owner.email, TEST_PASSWORD)).status).toBe(303);
    for (let i = 0; i < 25; i++) await from(`198.18.0.${i + 1}`).login(owner.email, WRONG);
    expect((await from("198.18.1.1").login(owner.email, WRONG)).status).toBe(429);
    expect((await browser.login(owner.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("ignores a device cookie forged or issued for another account", async () => {
    const [victim, attackerAccount] = [await t.person(), await t.person()];
    const attacker = from("203.0.113.70");
    expect((await attacker.login(attackerAccount.email, TEST_PASSWORD)).status).toBe(303);
    await attacker.client.post("/logout");
    for (let i = 0; i < 25; i++) await from(`198.18.2.${i + 1}`).login(victim.email, WRONG);
    expect((await attacker.login(victim.email, WRONG)).status).toBe(429);
  });
});
