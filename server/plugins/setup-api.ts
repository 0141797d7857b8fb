import { Hono } from "hono";
import { endpointHandler } from "../api/endpoint.ts";
import type { EndpointSpec } from "../api/spec.ts";
import { writeScopePattern } from "../auth/api-scopes.ts";
import type { AppContext } from "../context.ts";
import type { EventBus } from "../events/bus.ts";
import { declareRoute, declareRoutes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import type { Scheduler } from "../jobs/scheduler.ts";
import type {
  DigestSection,
  EditorPanel,
  Exemption,
  PluginCommand,
  PluginDefinition,
  PluginHandler,
  PluginRoutes,
  PluginServices,
  PluginSetup,
  RequestServices,
} from "./definition.ts";
import type { Provides } from "./hooks.ts";
import type { PluginRecord } from "./record.ts";

/** What a plugin's registration calls need from the runtime that sets it up. */
export interface SetupHost {
  ctx: AppContext;
  scheduler: Scheduler;
  bus: EventBus;
  plugins: readonly PluginRecord[];
  isEnabled(id: string): boolean;
  services<S>(id: string): PluginServices<S>;
  requestServices<S>(id: string, c: Parameters<PluginHandler<S>>[0]): RequestServices<S>;
  /** The plugin providing a hook, if one already does. */
  providerOf(hook: keyof Provides): string | undefined;
  exemptions: { owner: string; exemption: Exemption<unknown> }[];
  editorPanels: { owner: string; panel: EditorPanel<unknown> }[];
}

/**
 * The registration calls `setup(api)` receives: routes, API endpoints, nav, cards, jobs,
 * handlers, digest sections, commands, demo data, exemptions, editor panels and hooks. Whatever
 * it registers answers only while the plugin is enabled; hooks go to `provided`, counted once
 * setup has succeeded.
 */
export function setupApi(
  host: SetupHost,
  record: PluginRecord,
  def: PluginDefinition,
  provided: Map<keyof Provides, unknown>,
): PluginSetup<unknown> {
  const { ctx } = host;
  const id = def.id;
  const enabled = (): boolean => host.isEnabled(id);
  const guarded = (): Hono<AppEnv> => {
    const hono = new Hono<AppEnv>();
    hono.use(async function pluginEnabled(c, next) {
      if (!enabled()) throw new HttpError(404, `There is no page at ${c.req.path}.`);
      await next();
    });
    return hono;
  };
  const routesFor = (prefix: string, hono = guarded()): { hono: Hono<AppEnv>; routes: PluginRoutes<unknown> } => {
    const declared = declareRoutes(hono, ctx.routes, { prefix, owner: id });
    const routes = {} as PluginRoutes<unknown>;
    for (const method of ["get", "post", "put", "patch", "delete"] as const) {
      routes[method] = (path, access, handler, options) => {
        declared[method](path, access, (c) => handler(c, host.requestServices(id, c)));
        const fullPath = prefix + (path === "/" ? "" : path);
        if (options?.maxBodyBytes) ctx.routes.setBodyLimit(method.toUpperCase(), fullPath, options.maxBodyBytes);
        if (options?.keepRendered && method === "get") ctx.routes.keepRendered(fullPath);
        return routes;
      };
    }
    return { hono, routes };
  };
  const api: PluginSetup<unknown> = {
    id,
    logger: ctx.logger.child({ plugin: id }),
    pages: (build) => {
      const { hono, routes } = routesFor(`/${id}`);
      build(routes);
      record.pages = hono;
    },
    // `api` and `endpoint` share one sub-app under /api/<id>.
    api: (build) => {
      record.api ??= guarded();
      build(routesFor(`/api/${id}`, record.api).routes);
    },
    endpoint: (spec, handler) => {
      const endpoint = spec as EndpointSpec;
      const fits = endpoint.method === "get" ? endpoint.scope === "read" : writeScopePattern.test(endpoint.scope);
      if (!fits)
        throw new Error(
          `endpoint ${endpoint.method.toUpperCase()} ${endpoint.path}: a read needs the "read" scope, a change a "<resource>:write" scope, not "${endpoint.scope}"`,
        );
      record.api ??= guarded();
      const prefix = `/api/${id}`;
      const full = prefix + (endpoint.path === "/" ? "" : endpoint.path);
      if (ctx.routes.rules.some((r) => r.method === endpoint.method.toUpperCase() && r.path === full))
        throw new Error(`endpoint ${endpoint.method.toUpperCase()} ${full} is declared twice`);
      declareRoute(
        record.api,
        ctx.routes,
        { prefix, owner: id },
        {
          method: endpoint.method,
          path: endpoint.path,
          access: endpoint.access,
          scope: endpoint.scope,
          endpoint: { ...endpoint, path: full },
        },
        endpointHandler(endpoint, (input, c) =>
          (handler as (i: typeof input, s: RequestServices<unknown>, c: unknown) => Promise<unknown>)(
            input,
            host.requestServices(id, c),
            c,
          ),
        ),
      );
    },
    apiAt: (prefix, build) => {
      if (!/^\/api\/[a-z0-9][a-z0-9._-]*$/.test(prefix))
        throw new Error(`apiAt needs a prefix like /api/0, not "${prefix}"`);
      const taken = host.plugins.find(
        (p) => p.id !== id && (prefix === `/api/${p.id}` || p.extraApis.some((e) => e.prefix === prefix)),
      );
      if (taken) throw new Error(`the API prefix ${prefix} belongs to "${taken.id}"`);
      const { hono, routes } = routesFor(prefix);
      build(routes);
      record.extraApis.push({ prefix, hono });
    },
    nav: (item) => {
      ctx.nav.push({ ...item, order: item.order ?? 100, section: item.section ?? "main", enabled });
    },
    card: (card) => {
      ctx.cards.push({
        id: `${id}.${card.id}`,
        title: card.title,
        access: card.access,
        order: card.order ?? 100,
        loading: card.loading ?? "lazy",
        enabled,
        render: (c) => card.render(c, host.requestServices(id, c)),
      });
    },
    job: (job) => {
      host.scheduler.add({
        id: `${id}.${job.id}`,
        schedule: job.schedule,
        scope: job.scope,
        ...(job.timezone ? { timezone: job.timezone } : {}),
        ...(job.description ? { description: job.description } : {}),
        run: ({ slot }) => job.run({ ...host.services(id), slot }),
      });
    },
    on: (type, handler) => {
      host.bus.on({
        id: `${id}.${handler.id}`,
        type,
        handle: (event) => handler.handle(event as never, host.services(id)),
      });
    },
    digest: (section) => {
      record.digest.push(section as DigestSection<unknown>);
    },
    command: (command) => {
      record.commands.push(command as PluginCommand<unknown>);
    },
    demo: (contribute) => {
      ctx.demo.push({
        owner: id,
        contribute: async (tx, demo) => {
          if (enabled()) await contribute(tx, demo, host.services(id));
        },
      });
    },
    exemption: (exemption) => {
      host.exemptions.push({ owner: id, exemption: exemption as Exemption<unknown> });
    },
    editorPanel: (panel) => {
      host.editorPanels.push({ owner: id, panel: panel as EditorPanel<unknown> });
    },
    provide: (hook, implementation) => {
      const owner = host.providerOf(hook);
      if (owner) throw new Error(`the "${hook}" hook is already provided by "${owner}"`);
      provided.set(hook, implementation);
    },
  };
  return api;
}
