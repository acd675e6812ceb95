/**
 * Prints the authorization matrix (app/domain/route-manifest.ts) as Markdown. `--write` puts it into
 * docs/security.md between its markers; `--check` exits 1 when the document is out of date.
 *
 *   npx tsx scripts/print-route-matrix.ts [--write | --check]
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { matrixIn, routeMatrixMarkdown, withMatrix } from "../app/domain/route-matrix";

export const SECURITY_DOC = path.resolve(import.meta.dirname, "../docs/security.md");

function main(args: string[]): number {
  const matrix = routeMatrixMarkdown();
  if (args.includes("--write")) {
    fs.writeFileSync(SECURITY_DOC, withMatrix(fs.readFileSync(SECURITY_DOC, "utf8"), matrix));
    console.log(`wrote the route matrix into ${path.relative(process.cwd(), SECURITY_DOC)}`);
    return 0;
  }
  if (args.includes("--check")) {
    const current = matrixIn(fs.readFileSync(SECURITY_DOC, "utf8"));
    if (current === matrix) return 0;
    console.error("docs/security.md's route matrix differs from the manifest: run `npx tsx scripts/print-route-matrix.ts --write`");
    return 1;
  }
  console.log(matrix);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) process.exit(main(process.argv.slice(2)));
