import { buildApp } from "../app.ts";
import { createSession, SESSION_COOKIE } from "../auth/session.ts";
import { type Booted, boot } from "../boot.ts";
import { fixedClock } from "../clock.ts";
import { type Config, loadConfig } from "../config.ts";
import type { Database } from "../db/index.ts";
import { declareRoutes, type Routes } from "../http/access.ts";
import { afterResponseSettled } from "../http/after-response.ts";
import { createLogger } from "../log.ts";
import type { Mailer } from "../mail/mailer.ts";
import { organization } from "../org/schema.ts";
import { createPerson, type NewPerson, type Person } from "../people/people.ts";
import type { Role } from "../people/schema.ts";
import { freshDatabase } from "./database.ts";

export const TEST_ORIGIN = "http://localhost:3000";

export interface TestAppOptions {
  /** Start of the test clock (default 2026-03-02T09:00:00Z, a Monday). */
  now?: string;
  env?: Record<string, string>;
  mailer?: Mailer | null;
  /** Create the organization up front (default true). */
  setup?: boolean;
  /** Plugins to load from `plugins/`: ids, `"*"` for all; default none. */
  plugins?: "*" | string[];
  /** Plugin definitions given directly (instead of the `plugins/` folder). */
  pluginModules?: unknown[];
  /** An already-open database to boot on (default: a fresh one for the file). */
  database?: Database;
  /** Extra routes for this test, declared (owner "test") after every core and plugin route. */
  routes?: (r: Routes) => void;
}

export type TestApp = Booted & {
  clock: ReturnType<typeof fixedClock>;
  config: Config;
  /** A browser-like client: keeps cookies, sends our Origin on unsafe requests. */
  client(): TestClient;
  /** Creates a person (password "correct horse battery") and returns them. */
  person(input?: Partial<NewPerson> & { role?: Role }): Promise<Person>;
  /**
   * Loads the demo organization the way a visitor does (setup page button, background task,
   * progress page) and returns the client, signed in as the demo's owner.
   */
  loadDemo(): Promise<TestClient>;
  /** A client already signed in as a new or given person. */
  signedIn(personOrRole?: Person | Role): Promise<TestClient & { person: Person }>;
};

export interface TestClient {
  /** The origin requests go to and that unsafe requests carry in `Origin`: the app's BASE_URL. */
  origin: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form?: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
  request(path: string, init?: RequestInit): Promise<Response>;
  cookies: Map<string, string>;
}

export const TEST_PASSWORD = "correct horse battery";
let counter = 0;

/**
 * Boots the whole app on a fresh database for one test file, with the plugins you name.
 *
 * @example
 * const t = await testApp({ plugins: ["kudos"] });
 * afterAll(() => t.close());
 * const admin = await t.signedIn("admin");
 * expect((await admin.get("/admin/people")).status).toBe(200);
 */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const configResult = loadConfig({
    BASE_URL: TEST_ORIGIN,
    LOG_LEVEL: "silent",
    // Every settings read goes to the database, so code that reads settings through the outer
    // handle inside a transaction fails in tests, however fast the machine.
    SETTINGS_CACHE_MS: "0",
    ...options.env,
  });
  if (!configResult.ok) throw new Error(configResult.error);
  const config = configResult.config;
  const clock = fixedClock(options.now ?? "2026-03-02T09:00:00Z");
  const database = options.database ?? (await freshDatabase());
  const booted = await boot({
    config,
    clock,
    database,
    logger: createLogger("silent"),
    mailer: options.mailer === undefined ? null : options.mailer,
    plugins: {
      enabled: options.plugins ?? (options.pluginModules ? "*" : []),
      ...(options.pluginModules ? { modules: options.pluginModules } : {}),
    },
  });
  const extraRoutes = options.routes;
  if (extraRoutes) {
    // Rebuild the app with the test's routes added. The rebuild declares core routes again;
    // plugin routes were declared once, at plugin setup, and are kept.
    const pluginRules = booted.ctx.routes.rules.filter((r) => r.owner !== "core");
    booted.ctx.routes.rules.length = 0;
    booted.ctx.routes.rules.push(...pluginRules);
    booted.app = buildApp(booted.ctx, (app) => {
      booted.ctx.plugins.mount(app);
      extraRoutes(declareRoutes(app, booted.ctx.routes, { owner: "test" }));
    });
  }
  if (options.setup !== false) {
    await booted.ctx.db
      .insert(organization)
      .values({ id: 1, name: "Test Org", emailDomains: ["example.com"], defaultTimeZone: "UTC" });
    await booted.ctx.org.refresh();
  }

  // Requests go to the configured BASE_URL, as a browser would, so an https BASE_URL gets
  // Secure cookies and a same-origin Origin header.
  const origin = new URL(config.baseUrl).origin;
  const client = (): TestClient => {
    const cookies = new Map<string, string>();
    const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      if (cookies.size) headers.set("Cookie", [...cookies].map(([k, v]) => `${k}=${v}`).join("; "));
      if (init.method && init.method !== "GET" && !headers.has("Origin")) headers.set("Origin", origin);
      const res = await booted.app.request(`${origin}${path}`, { ...init, headers });
      // Work a route deferred past its response (a reset mail) is done before the test looks.
      await afterResponseSettled();
      for (const cookie of res.headers.getSetCookie()) {
        const [pair] = cookie.split(";");
        const [name, ...rest] = (pair ?? "").split("=");
        const value = rest.join("=");
        if (!name) continue;
        if (value === "" || /max-age=0/i.test(cookie)) cookies.delete(name.trim());
        else cookies.set(name.trim(), value);
      }
      return res;
    };
    return {
      origin,
      cookies,
      request,
      get: (path, headers) => request(path, { headers }),
      post: (path, form = {}, headers = {}) => {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
        return request(path, {
          method: "POST",
          body,
          headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
        });
      },
    };
  };

  const person = async (input: Partial<NewPerson> & { role?: Role } = {}): Promise<Person> => {
    counter++;
    return createPerson(booted.ctx.db, {
      email: input.email ?? `person${counter}-${Math.random().toString(36).slice(2, 7)}@example.com`,
      name: input.name ?? `Person ${counter}`,
      role: input.role ?? "member",
      timeZone: input.timeZone ?? "UTC",
      password: input.password === undefined ? TEST_PASSWORD : input.password,
      ...(input.workingHours ? { workingHours: input.workingHours } : {}),
    });
  };

  const signedIn = async (personOrRole: Person | Role = "member"): Promise<TestClient & { person: Person }> => {
    const p = typeof personOrRole === "string" ? await person({ role: personOrRole, password: null }) : personOrRole;
    const { token } = await createSession(booted.ctx.db, p.id, clock.now());
    const c = client();
    c.cookies.set(SESSION_COOKIE, token);
    return Object.assign(c, { person: p });
  };

  const loadDemo = async (): Promise<TestClient> => {
    const c = client();
    const started = await c.post("/setup/demo");
    const progressPage = started.headers.get("Location") ?? "";
    if (started.status !== 303 || !progressPage.startsWith("/tasks/")) {
      throw new Error(`loading the demo did not start: ${started.status} → ${progressPage}`);
    }
    await booted.ctx.tasks.settled();
    const progress = await c.get(progressPage);
    if (!(await progress.text()).includes("/setup/demo/enter")) throw new Error("the demo did not finish loading");
    const entered = await c.get("/setup/demo/enter");
    if (entered.headers.get("Location") !== "/") throw new Error("the demo's owner was not signed in");
    return c;
  };

  return Object.assign(booted, { clock, config, client, person, signedIn, loadDemo });
}
