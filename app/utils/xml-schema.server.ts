import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { validateXML } from "xmllint-wasm";

/**
 * Validates XML against the official ISO 20022 schemas copied into `app/utils/iso20022/` (libxml2's
 * xmllint, compiled to WebAssembly: no native build, same checks as Debian's `xmllint --schema`).
 */
// Beside this file when run from source (tsx, tests); from the server build (build/index.js) the folder is
// found back in the source tree, which ships with the app.
const SCHEMA_DIR = [path.join(import.meta.dirname, "iso20022"), path.resolve(import.meta.dirname, "../app/utils/iso20022")].find((dir) => existsSync(dir)) ?? path.join(import.meta.dirname, "iso20022");

export type Iso20022Schema = "pain.001.001.10" | "pain.002.001.11" | "camt.053.001.08";

const schemas = new Map<Iso20022Schema, Promise<string>>();

function schemaText(name: Iso20022Schema): Promise<string> {
  let text = schemas.get(name);
  if (!text) {
    text = fs.readFile(path.join(SCHEMA_DIR, `${name}.xsd`), "utf8");
    schemas.set(name, text);
  }
  return text;
}

export type SchemaCheck = { valid: true } | { valid: false; errors: string[] };

export async function validateAgainstSchema(xml: string, name: Iso20022Schema): Promise<SchemaCheck> {
  const result = await validateXML({
    xml: [{ fileName: "payment.xml", contents: xml }],
    schema: [{ fileName: `${name}.xsd`, contents: await schemaText(name) }],
    initialMemoryPages: 512,
    // xmllint-wasm caps memory at 32 MiB by default: a run of 10,000 payments (about 8 MB of XML) needs
    // more and fails with a bare parse error. Memory grows only as needed, up to 1 GiB.
    maxMemoryPages: 16_384,
  });
  return result.valid ? { valid: true } : { valid: false, errors: result.errors.map((e) => e.rawMessage) };
}
