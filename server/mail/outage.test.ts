import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { SMTPServer } from "smtp-server";
import { type TestApp, testApp } from "../testing/test-app.ts";
import { smtpMailer } from "./mailer.ts";
import { deliverDue, queueMail } from "./outbox.ts";

/** A real SMTP server on 127.0.0.1 that records the Message-IDs it accepted. */
function startSmtp(port: number, received: string[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      let data = "";
      stream.on("data", (chunk: Buffer) => {
        data += chunk.toString();
      });
      stream.on("end", () => {
        received.push(/^Subject: (.*)$/m.exec(data)?.[1] ?? "?");
        callback();
      });
    },
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

function stop(server: SMTPServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe("outbox delivery", () => {
  it("delivers every message exactly once across an SMTP outage", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const received: string[] = [];
    let server = await startSmtp(port, received);
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, "desk@example.com", { timeoutMs: 2000 });
    for (let i = 0; i < 12; i++) {
      await queueMail(
        t.ctx.db,
        { dedupeKey: `outage-${i}`, to: "ops@example.com", subject: `message ${i}`, text: "hi" },
        t.clock.now(),
      );
    }
    // Queuing a key twice is a no-op.
    expect(
      await queueMail(t.ctx.db, { dedupeKey: "outage-3", to: "ops@example.com", subject: "message 3", text: "hi" }),
    ).toBe(false);

    const first = await deliverDue(t.ctx.db, mailer, t.clock.now(), undefined, 5);
    expect(first.sent).toBe(5);
    await stop(server);
    const during = await deliverDue(t.ctx.db, mailer, t.clock.now(), undefined, 4);
    expect(during.sent).toBe(0);
    expect(during.retried).toBe(4);

    server = await startSmtp(port, received);
    // Failed messages wait for their backoff; the rest go at once.
    t.clock.advance(10 * 60_000);
    for (let i = 0; i < 5; i++) await deliverDue(t.ctx.db, mailer, t.clock.now());
    mailer.close();
    await stop(server);
    expect(received.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `message ${i}`).sort());
  });

  it("marks a message failed after the last attempt and lets an admin retry it", async () => {
    const unreachable = smtpMailer("smtp://127.0.0.1:9", "desk@example.com", { timeoutMs: 500 });
    await queueMail(
      t.ctx.db,
      { dedupeKey: "doomed", to: "x@example.com", subject: "doomed", text: "x" },
      t.clock.now(),
    );
    for (let i = 0; i < 9; i++) {
      await deliverDue(t.ctx.db, unreachable, t.clock.now());
      t.clock.advance(7 * 3_600_000);
    }
    const { listOutbox, retryMessage } = await import("./outbox.ts");
    const doomed = (await listOutbox(t.ctx.db)).find((m) => m.dedupeKey === "doomed");
    expect(doomed?.status).toBe("failed");
    expect(doomed?.lastError).toBeTruthy();
    expect(await retryMessage(t.ctx.db, doomed?.id ?? "", t.clock.now())).toBe(true);
    const again = (await listOutbox(t.ctx.db)).find((m) => m.dedupeKey === "doomed");
    expect(again?.status).toBe("queued");
    unreachable.close();
  });
});
