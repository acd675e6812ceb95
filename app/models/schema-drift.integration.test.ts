import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";

// Migrations are SQL written by hand (docs/decisions/001); this keeps them in step with schema.prisma.
type RuntimeField = { name: string; kind: string; type: string; dbName?: string };
type RuntimeModel = { fields: RuntimeField[]; dbName: string | null };

function generatedModels(): Record<string, RuntimeModel> {
  const source = fs.readFileSync(path.resolve("app/generated/prisma/internal/class.ts"), "utf8");
  const m = /config\.runtimeDataModel = JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(source);
  if (!m) throw new Error("runtimeDataModel not found in the generated client");
  return (JSON.parse(JSON.parse(m[1]!) as string) as { models: Record<string, RuntimeModel> }).models;
}

const PG_TYPES: Record<string, string[]> = {
  String: ["text", "character"],
  Int: ["integer"],
  BigInt: ["bigint"],
  Boolean: ["boolean"],
  DateTime: ["timestamp with time zone", "date"],
  Json: ["jsonb"],
  Decimal: ["numeric"],
  Bytes: ["bytea"],
};

/** Scalar list fields (`Int[]`, `String[]`) by model: the runtime data model does not say which fields are lists. */
function listFields(): Set<string> {
  const source = fs.readFileSync(path.resolve("prisma/schema.prisma"), "utf8");
  const lists = new Set<string>();
  for (const block of source.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    for (const field of block[2]!.matchAll(/^\s+(\w+)\s+\w+\[\]/gm)) lists.add(`${block[1]}.${field[1]}`);
  }
  return lists;
}

describe("migrations match schema.prisma", () => {
  it("has every model's table with exactly its columns and compatible types", async () => {
    const columns = await prisma.$queryRaw<{ table_name: string; column_name: string; data_type: string }[]>`
      SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`;
    const byTable = new Map<string, Map<string, string>>();
    for (const c of columns) {
      const t = byTable.get(c.table_name) ?? new Map<string, string>();
      t.set(c.column_name, c.data_type);
      byTable.set(c.table_name, t);
    }
    const models = generatedModels();
    const lists = listFields();
    const expectedTables = Object.entries(models).map(([name, m]) => m.dbName ?? name);
    expect([...byTable.keys()].sort()).toEqual(expectedTables.sort());
    for (const [name, model] of Object.entries(models)) {
      const table = byTable.get(model.dbName ?? name)!;
      const scalars = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
      expect([...table.keys()].sort(), name).toEqual(scalars.map((f) => f.dbName ?? f.name).sort());
      for (const f of scalars) {
        const actual = table.get(f.dbName ?? f.name)!;
        const allowed = f.kind === "enum" ? ["USER-DEFINED", "ARRAY"] : lists.has(`${name}.${f.name}`) ? ["ARRAY"] : PG_TYPES[f.type];
        expect(allowed, `${name}.${f.name}: ${actual}`).toContain(actual);
      }
    }
  });
});
