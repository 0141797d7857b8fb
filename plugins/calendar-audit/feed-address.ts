import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * Where a feed may be fetched from. A feed URL is typed by any member, so without this check
 * the server could be made to fetch its own loopback, the Postgres next door or the cloud
 * metadata service (server-side request forgery,
 * https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
 *
 * Only global unicast addresses pass: loopback, private, link-local, unique-local, multicast,
 * unspecified, carrier-grade NAT, documentation and the other special ranges are refused, for
 * IPv4, IPv6 and IPv4-mapped IPv6 alike. Numeric spellings such as `0x7f000001` or
 * `2130706433` are normalized by the URL parser before they get here. Hosts an admin lists in
 * the plugin settings (internal calendar servers) pass whatever their address.
 */
export type FeedTarget = { ok: true; address: string; family: 4 | 6 } | { ok: false; detail: string };

/** The admin's allow-list: host names or IP addresses, separated by commas, spaces or newlines. */
export function allowedFeedHosts(setting: string): Set<string> {
  return new Set(
    setting
      .split(/[\s,]+/)
      .map((host) => bareHost(host.trim().toLowerCase()))
      .filter(Boolean),
  );
}

/**
 * Resolves the URL's host once and picks the address to connect to. Every address the name
 * resolves to must be allowed — a name with one public and one private record is refused —
 * and the caller connects to the returned address, never resolving the name again.
 */
export async function feedTarget(
  url: URL,
  allowed: ReadonlySet<string>,
  resolve: (host: string) => Promise<string[]> = resolveAll,
): Promise<FeedTarget> {
  const host = bareHost(url.hostname.toLowerCase());
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      return { ok: false, detail: `${host} did not resolve: ${(error as Error).message}` };
    }
  }
  const parsed = addresses.flatMap((a) => (ipaddr.isValid(a) ? [ipaddr.process(a)] : []));
  if (!parsed.length) return { ok: false, detail: `${host} has no address` };
  const hostAllowed = allowed.has(host);
  for (const address of parsed) {
    if (!hostAllowed && !allowed.has(address.toString()) && address.range() !== "unicast") {
      return {
        ok: false,
        detail: `${host} resolves to ${address.toString()} (${address.range()}), not a public address`,
      };
    }
  }
  const first = parsed[0] as ipaddr.IPv4 | ipaddr.IPv6;
  return { ok: true, address: first.toString(), family: first.kind() === "ipv4" ? 4 : 6 };
}

/** `[::1]` → `::1`; `::ffff:127.0.0.1` stays as typed (ipaddr.process unmaps it when checking). */
function bareHost(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
}

/**
 * The same URL with the checked address in place of the host name: the connection goes to the
 * address that was checked (no second DNS answer can move it), while the `Host` header and the
 * TLS server name keep the original name.
 */
export function pinnedUrl(url: URL, target: { address: string; family: 4 | 6 }): URL {
  const pinned = new URL(url.toString());
  pinned.hostname = target.family === 6 ? `[${target.address}]` : target.address;
  return pinned;
}
