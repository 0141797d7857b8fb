// Rendering a 50-row table: our escaping string runtime vs hono/jsx, in the same run.
import { jsx as honoJsx } from "hono/jsx";
import { renderToString } from "../views/html/jsx-runtime.ts";

const rows = Array.from({ length: 50 }, (_, i) => ({
  id: crypto.randomUUID(),
  name: `Person ${i} O'Brien`,
  email: `p${i}@example.com`,
  timeZone: "Europe/Berlin",
  teams: ["Platform", "Design"],
}));

function ours(): string {
  return renderToString(
    <table>
      <tbody>
        {rows.map((p) => (
          <tr>
            <th scope="row">
              <a href={`/admin/people/${p.id}`}>{p.name}</a>
            </th>
            <td>{p.email}</td>
            <td>{p.timeZone}</td>
            <td>{p.teams.join(", ")}</td>
            <td>
              <span class="badge">Active</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>,
  );
}

// The same tree through hono/jsx's element factory.
const h = honoJsx as unknown as (
  tag: string,
  props: Record<string, unknown> | null,
  ...children: unknown[]
) => { toString(): string };
function hono(): string {
  return h(
    "table",
    null,
    h(
      "tbody",
      null,
      rows.map((p) =>
        h(
          "tr",
          null,
          h("th", { scope: "row" }, h("a", { href: `/admin/people/${p.id}` }, p.name)),
          h("td", null, p.email),
          h("td", null, p.timeZone),
          h("td", null, p.teams.join(", ")),
          h("td", null, h("span", { class: "badge" }, "Active")),
        ),
      ),
    ),
  ).toString();
}

function time(fn: () => string, n = 5000): number {
  for (let i = 0; i < 500; i++) fn();
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  return ((performance.now() - start) / n) * 1000;
}

const a = time(ours);
const b = time(hono);
console.log(
  `render 50-row table: ours ${a.toFixed(1)} µs, hono/jsx ${b.toFixed(1)} µs, ours/hono time ratio ${(a / b).toFixed(2)} (${ours().length} vs ${hono().length} bytes)`,
);
