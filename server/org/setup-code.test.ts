import { afterAll, describe, expect, it } from "bun:test";
import { TEST_ORIGIN, testApp } from "../testing/test-app.ts";
import { organization } from "./schema.ts";
import { setupCode } from "./setup-code.ts";

// An empty install reached over the network is not claimed by its first visitor: setup from
// anywhere but the machine itself needs the code printed in the server log.

const t = await testApp({ setup: false });
afterAll(() => t.close());

const owner = {
  orgName: "Acme",
  emailDomains: "acme.example",
  defaultTimeZone: "UTC",
  ownerName: "Olga Owner",
  ownerEmail: "olga@acme.example",
  password: "a long enough password",
};

/** A request as Bun.serve hands it over, from `address`. */
function from(address: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) {
  const init: RequestInit = form
    ? {
        method: "POST",
        body: new URLSearchParams(form),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: TEST_ORIGIN, ...headers },
      }
    : { headers };
  const server = { requestIP: () => ({ address, family: address.includes(":") ? "IPv6" : "IPv4", port: 50000 }) };
  return t.app.request(`${TEST_ORIGIN}${path}`, init, server);
}

async function organizations(): Promise<number> {
  return (await t.ctx.db.select().from(organization)).length;
}

describe("setting up from the network", () => {
  it("asks a remote visitor for the setup code on the setup page", async () => {
    const page = await (await from("203.0.113.9", "/setup")).text();
    expect(page).toContain('name="setupCode"');
  });

  it("does not ask on the machine itself", async () => {
    const page = await (await from("127.0.0.1", "/setup")).text();
    expect(page).not.toContain('name="setupCode"');
  });

  it("tells loopback from the socket of a real server", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: t.app.fetch });
    try {
      const page = await (await fetch(`http://127.0.0.1:${server.port}/setup`)).text();
      expect(page).toContain("Set up DeskTrust");
      expect(page).not.toContain('name="setupCode"');
    } finally {
      server.stop(true);
    }
  });

  it("counts a loopback request forwarded by a proxy as remote", async () => {
    const page = await (await from("127.0.0.1", "/setup", undefined, { "X-Forwarded-For": "203.0.113.9" })).text();
    expect(page).toContain('name="setupCode"');
  });

  it("refuses setup and the demo without the code, naming the field, and creates nothing", async () => {
    const res = await from("203.0.113.9", "/setup", owner);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("setup code printed in the server log");
    const wrong = await from("203.0.113.9", "/setup", { ...owner, setupCode: "AAAA-BBBB-CCCC-DDDD" });
    expect(wrong.status).toBe(403);
    expect((await from("203.0.113.9", "/setup/demo", {})).status).toBe(403);
    expect(await organizations()).toBe(0);
  });

  it("sets up with the code from the log, and spends it", async () => {
    const code = await setupCode(t.ctx);
    expect(code).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    const res = await from("203.0.113.9", "/setup", { ...owner, setupCode: code.toLowerCase() });
    expect(res.status).toBe(303);
    expect(await organizations()).toBe(1);
    expect(await setupCode(t.ctx)).not.toBe(code);
  });
});
