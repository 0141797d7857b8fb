import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

// The public plugin API is documented where each symbol is declared: a JSDoc block with an
// @example right above it. This test finds every export of plugin-api.ts and checks.

const apiFile = join(import.meta.dir, "plugin-api.ts");
const api = readFileSync(apiFile, "utf8");
// Export statements outside comments (JSDoc examples contain `export` too).
const apiCode = api.replace(/\/\*\*[\s\S]*?\*\//g, "");

function exportedNames(): { name: string; from: string }[] {
  const found: { name: string; from: string }[] = [];
  for (const m of apiCode.matchAll(/export (?:type )?\{([^}]+)\} from "([^"]+)";/g)) {
    for (const part of (m[1] as string).split(",")) {
      const name = part
        .trim()
        .replace(/^type /, "")
        .split(" as ")[0]
        ?.trim();
      if (name) found.push({ name, from: join(dirname(apiFile), m[2] as string) });
    }
  }
  for (const m of apiCode.matchAll(/export (?:async )?(?:function|const|class|interface|type) (\w+)/g)) {
    found.push({ name: m[1] as string, from: apiFile });
  }
  return found;
}

function docAtDeclaration(name: string, file: string): string | null {
  const source = readFileSync(file, "utf8");
  const declaration = new RegExp(
    `(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*(?://[^\\n]*\\n\\s*)*export (?:async )?(?:function|const|class|interface|type) ${name}\\b`,
  );
  return declaration.exec(source)?.[1] ?? null;
}

/** The block right above the re-export statement in plugin-api.ts that names `name`. */
function docAtReexport(name: string): string | null {
  // The block may cover a run of consecutive re-export statements.
  const reexport = new RegExp(
    `(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*(?:export (?:type )?\\{[^}]*\\} from "[^"]*";\\s*)*export (?:type )?\\{[^}]*\\b${name}\\b[^}]*\\}`,
  );
  return reexport.exec(api)?.[1] ?? null;
}

function hasExample(doc: string | null): boolean {
  return doc?.includes("@example") ?? false;
}

describe("the public plugin API", () => {
  const names = exportedNames();
  it("exports something", () => {
    expect(names.length).toBeGreaterThan(20);
  });
  for (const { name, from } of names) {
    it(`documents ${name} with an @example`, () => {
      expect(hasExample(docAtDeclaration(name, from)) || hasExample(docAtReexport(name))).toBe(true);
    });
  }
});
