import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

// Browser tests drive the real server (`bun server/main.ts`, embedded PGlite in a fresh data
// folder) with a real Chromium. One harness per test file.

const root = join(import.meta.dir, "..");
export const screenshotDir = join(import.meta.dir, "screenshots");

export interface Harness {
  baseUrl: string;
  browser: Browser;
  /** A fresh browser profile (cookies of its own) with a page on it. */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Saves a full-page screenshot to e2e/screenshots/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  /** What the server printed so far, for failure messages. */
  serverOutput(): string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

async function collect(stream: ReadableStream<Uint8Array>, into: string[]): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) into.push(decoder.decode(chunk, { stream: true }));
}

async function waitForHealth(baseUrl: string, server: Bun.Subprocess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited with ${server.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await Bun.sleep(100);
  }
  throw new Error(`The server did not become healthy within 60 s:\n${output()}`);
}

/** Starts the server on a free port with an empty database and launches Chromium. */
export async function startHarness(): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), "desktrust-e2e-"));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: "warn",
  };
  // Always the embedded database: a fresh, empty one per run.
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  const server = Bun.spawn([process.execPath, "server/main.ts"], {
    cwd: root,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  void collect(server.stdout, lines);
  void collect(server.stderr, lines);
  const serverOutput = (): string => lines.join("").slice(-5000);

  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => {});
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      const stopped = await Promise.race([server.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!stopped) server.kill("SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseUrl, server, serverOutput);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  } catch (error) {
    await close();
    throw error;
  }
  const launched = browser;

  return {
    baseUrl,
    browser: launched,
    async newPage() {
      const context = await launched.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
      // A missing element fails the step in seconds, not after Playwright's default 30 s.
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      return { context, page };
    },
    async screenshot(page, name) {
      mkdirSync(screenshotDir, { recursive: true });
      const path = join(screenshotDir, `${name}.png`);
      // caret: "initial" — hiding the caret injects a <style> that our CSP (rightly) blocks.
      await page.screenshot({ path, fullPage: true, caret: "initial" });
      return path;
    },
    serverOutput,
    close,
  };
}

/**
 * Collects script errors and Content-Security-Policy violations: a user would not see them,
 * but they mean htmx or our script is broken. (htmx also logs every 4xx it swaps as a console
 * error; those are expected answers, not problems.)
 */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Uncaught/i.test(message.text())) {
      problems.push(`${message.text()} (${message.location().url})`);
    }
  });
  return problems;
}

/** The page's laid-out width: more than the viewport means it scrolls sideways. */
export function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
