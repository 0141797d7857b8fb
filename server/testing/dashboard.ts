import type { TestClient } from "./test-app.ts";

/**
 * The home page as a browser shows it once htmx has loaded every lazy card: each placeholder
 * replaced by the fragment its `hx-get` answers (nothing, for a card with nothing to show).
 */
export async function dashboardOf(client: TestClient): Promise<string> {
  let html = await (await client.get("/")).text();
  const placeholders = [...html.matchAll(/<section[^>]*\shx-get="(\/home\/cards\/[^"]+)"[^>]*>[\s\S]*?<\/section>/g)];
  for (const [placeholder, href] of placeholders) {
    const fragment = await (await client.get(href as string, { "HX-Request": "true" })).text();
    html = html.replace(placeholder, fragment);
  }
  return html;
}
