import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { matrixIn, MATRIX_END, MATRIX_START, routeMatrixMarkdown, withMatrix } from "~/domain/route-matrix";
import { ROUTE_MANIFEST } from "~/domain/route-manifest";
import { SECURITY_DOC } from "./print-route-matrix";

describe("docs/security.md prints the authorization manifest", () => {
  it("has exactly the table the script prints (run `npx tsx scripts/print-route-matrix.ts --write` after changing the manifest)", () => {
    const current = matrixIn(fs.readFileSync(SECURITY_DOC, "utf8"));
    expect(current, "docs/security.md has no route-matrix markers").not.toBeNull();
    expect(current).toBe(routeMatrixMarkdown());
  });

  it("has one row per loader and action of every route file", () => {
    const table = routeMatrixMarkdown();
    for (const [key, entry] of Object.entries(ROUTE_MANIFEST)) {
      const count = table.split("\n").filter((l) => l.startsWith(`| ${key}.tsx |`)).length;
      expect(count, key).toBe(("loader" in entry ? 1 : 0) + ("action" in entry ? 1 : 0));
    }
    expect(table).toContain("| admin.security.tsx | `GET /admin/security` | → sign-in | 403 | 403 | 403 | 403 | 403 | 403 | ✓ |");
  });

  it("notices a changed document and rewrites only its generated part", () => {
    const doc = `# Title\n\nbefore\n\n${MATRIX_START}\nold table\n${MATRIX_END}\n\nafter\n`;
    expect(matrixIn(doc)).not.toBe(routeMatrixMarkdown());
    const rewritten = withMatrix(doc, routeMatrixMarkdown());
    expect(matrixIn(rewritten)).toBe(routeMatrixMarkdown());
    expect(rewritten.startsWith("# Title\n\nbefore\n\n")).toBe(true);
    expect(rewritten.endsWith("\n\nafter\n")).toBe(true);
    expect(() => withMatrix("# no markers", "x")).toThrow(/markers/);
  });

  it("the script prints the same table", () => {
    const printed = execFileSync(path.resolve("node_modules/.bin/tsx"), ["scripts/print-route-matrix.ts"], { encoding: "utf8" });
    expect(printed.trim()).toBe(routeMatrixMarkdown());
  });
});
