import { afterAll, describe, expect, it } from "bun:test";
import { TEST_PASSWORD, testApp } from "../testing/test-app.ts";
import { safeNext } from "./safe-redirect.ts";

describe("safeNext: only same-origin relative paths survive", () => {
  it.each([
    ["/", "/"],
    ["/teams/1", "/teams/1"],
    ["/search?q=a%2Fb#top", "/search?q=a%2Fb#top"],
    ["/status-updates/../admin", "/admin"],
  ])("keeps %p as %p", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it.each([
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/127.0.0.1:3199/phish",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=1",
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%0d%0aSet-Cookie:x",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    " /x",
    "/x\u0000",
    "/\u0085/evil.example",
    "/%",
    "",
  ])("refuses %p", (next) => {
    expect(safeNext(next)).toBe("/");
  });
});

describe("the login page's next parameter", () => {
  const app = testApp();
  afterAll(async () => (await app).close());

  it("does not send a signed-in visitor to another origin through a tab in the path", async () => {
    const t = await app;
    const browser = await t.signedIn("member");
    const res = await browser.get("/login?next=/%09/127.0.0.1:3199/phish");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });

  it("answers CR/LF in next without a 500, and without echoing it into a header", async () => {
    const t = await app;
    const browser = await t.signedIn("member");
    const res = await browser.get("/login?next=/%0D%0ASet-Cookie:%20x=1");
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    const form = await t.client().get("/login?next=/%0D%0Ax");
    expect(form.status).toBe(200);
  });

  it("refuses an encoded off-site next after signing in", async () => {
    const t = await app;
    const person = await t.person();
    const res = await t
      .client()
      .post("/login", { email: person.email, password: TEST_PASSWORD, next: "/%2F%2Fevil.example" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });

  it("follows a same-origin next after signing in", async () => {
    const t = await app;
    const person = await t.person();
    const res = await t.client().post("/login", { email: person.email, password: TEST_PASSWORD, next: "/profile" });
    expect(res.headers.get("Location")).toBe("/profile");
  });
});
