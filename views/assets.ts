import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A static file served at a content-versioned path with a year-long immutable cache. */
export interface Asset {
  path: string;
  body: Uint8Array;
  type: string;
}

export function versioned(name: string, file: string, type: string, version?: string): Asset {
  const body = new Uint8Array(readFileSync(file));
  const tag = version ?? createHash("sha256").update(body).digest("hex").slice(0, 10);
  const dot = name.lastIndexOf(".");
  return { path: `/assets/${name.slice(0, dot)}-${tag}${name.slice(dot)}`, body, type };
}

const htmxDir = dirname(Bun.resolveSync("htmx.org/package.json", import.meta.dir));
const htmxVersion: string = JSON.parse(readFileSync(join(htmxDir, "package.json"), "utf8")).version;

/** htmx comes from node_modules, never a CDN: intranets are often offline. */
export const assets = {
  htmx: versioned("htmx.min.js", join(htmxDir, "dist", "htmx.min.js"), "text/javascript; charset=utf-8", htmxVersion),
  css: versioned("app.css", join(import.meta.dir, "static", "app.css"), "text/css; charset=utf-8"),
  js: versioned("app.js", join(import.meta.dir, "static", "app.js"), "text/javascript; charset=utf-8"),
  icon: versioned("icon.svg", join(import.meta.dir, "static", "icon.svg"), "image/svg+xml"),
};

export const assetList: Asset[] = Object.values(assets);
