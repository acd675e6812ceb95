import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { callerAllowed, EXPRESS_ROUTES, ROLES, ROUTE_MANIFEST, type Handler, type RouteEntry } from "./route-manifest";

const ROUTES_DIR = path.resolve(import.meta.dirname, "../routes");

/** The route files and, read from their text, whether each exports a loader and an action. */
function routeFileExports(dir = ROUTES_DIR): Map<string, { loader: boolean; action: boolean }> {
  const found = new Map<string, { loader: boolean; action: boolean }>();
  for (const file of fs.readdirSync(dir)) {
    if (!/\.(tsx|ts|jsx|js)$/.test(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    const exports = (name: string) =>
      new RegExp(`export\\s+(async\\s+)?function\\s+${name}\\b|export\\s+(const|let|var)\\s+${name}\\b|export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(text);
    found.set(file.replace(/\.(tsx|ts|jsx|js)$/, ""), { loader: exports("loader"), action: exports("action") });
  }
  return found;
}

const entries = ROUTE_MANIFEST as Record<string, RouteEntry>;

describe("the authorization manifest covers every route file", () => {
  const files = routeFileExports();

  it("has an entry for every file in app/routes", () => {
    const missing = [...files.keys()].filter((k) => !(k in entries));
    expect(missing, "route files without a manifest entry (add them to app/domain/route-manifest.ts)").toEqual([]);
  });

  it("names no file that does not exist", () => {
    const stale = Object.keys(entries).filter((k) => !files.has(k));
    expect(stale, "manifest entries whose route file is gone").toEqual([]);
  });

  it("lists exactly the loader and action each file exports", () => {
    const mismatched = [...files].flatMap(([key, has]) => {
      const entry = entries[key];
      if (!entry) return [];
      const problems: string[] = [];
      if (has.loader !== Boolean(entry.loader)) problems.push(`${key}: file ${has.loader ? "exports" : "has no"} loader, manifest ${entry.loader ? "lists" : "does not list"} one`);
      if (has.action !== Boolean(entry.action)) problems.push(`${key}: file ${has.action ? "exports" : "has no"} action, manifest ${entry.action ? "lists" : "does not list"} one`);
      return problems;
    });
    expect(mismatched).toEqual([]);
  });

  it("reads exports in their usual spellings", () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "routes-"));
    try {
      fs.writeFileSync(path.join(dir, "a.tsx"), "export async function loader() {}\nexport const action = () => null;\n");
      fs.writeFileSync(path.join(dir, "b.tsx"), "const loader = () => null;\nexport { loader };\n// action mentioned in a comment\n");
      fs.writeFileSync(path.join(dir, "c.tsx"), "export default function C() { return null; }\nexport function loaderHelper() {}\n");
      expect(Object.fromEntries(routeFileExports(dir))).toEqual({
        a: { loader: true, action: true },
        b: { loader: true, action: false },
        c: { loader: false, action: false },
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives every handler a reason, a URL pattern that matches the file name, and sensible anonymous handling", () => {
    const all: [string, RouteEntry][] = [...Object.entries(entries), ...Object.entries(EXPRESS_ROUTES as Record<string, RouteEntry>)];
    for (const [key, entry] of all) {
      expect(entry.path, key).toMatch(/^\//);
      for (const handler of [entry.loader, entry.action].filter((h): h is Handler => !!h)) {
        expect(handler.why.length, `${key}: why`).toBeGreaterThan(10);
        // A public handler serves anonymous callers; any other one never does.
        expect(handler.anonymous === "public", `${key}: anonymous`).toBe(handler.callers === "public");
        if (Array.isArray(handler.callers)) for (const r of handler.callers) expect(ROLES, key).toContain(r);
      }
    }
    // Flat-route params in the file name are params in the pattern ($claimId → :claimId, $ → *).
    for (const [key, entry] of Object.entries(entries)) {
      const params = key.split(".").filter((s) => s.startsWith("$")).map((s) => (s === "$" ? "*" : `:${s.slice(1).replace(/_$/, "")}`)); // `$id_` opts out of nesting
      for (const p of params) expect(entry.path, key).toContain(p);
    }
  });

  it("callerAllowed reads the callers", () => {
    expect(callerAllowed("public", null)).toBe(true);
    expect(callerAllowed("signed-in", null)).toBe(false);
    expect(callerAllowed("signed-in", ["ARCHIVIST"])).toBe(true);
    expect(callerAllowed(["SUPERVISOR", "ADMIN"], ["ADMIN"])).toBe(true);
    expect(callerAllowed(["SUPERVISOR", "ADMIN"], ["EMPLOYEE", "MANAGER"])).toBe(false);
  });
});
