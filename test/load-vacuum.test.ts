/**
 * bench:load's stand-in for autovacuum (this machine's Postgres runs without one) decides as PostgreSQL 15's
 * autovacuum does: dead rows past threshold + scale factor × rows, or inserts past the insert threshold, vacuum;
 * changes past the analyze threshold analyze; a table's own reloptions win over the server's settings.
 */
import { describe, expect, it } from "vitest";
import { autovacuumAction, type AutovacuumSettings } from "../bench/load-vacuum";

const SERVER: AutovacuumSettings = { vacuumThreshold: 50, vacuumScaleFactor: 0.2, insertThreshold: 1000, insertScaleFactor: 0.2, analyzeThreshold: 50, analyzeScaleFactor: 0.1 };
const table = (over: Partial<Parameters<typeof autovacuumAction>[0]> = {}) => ({ reltuples: 1_000_000, n_dead_tup: 0, n_ins_since_vacuum: 0, n_mod_since_analyze: 0, reloptions: null, ...over });

describe("autovacuumAction", () => {
  it("vacuums past the dead-row threshold, not at it", () => {
    expect(autovacuumAction(table({ n_dead_tup: 200_050 }), SERVER)).toBeNull();
    expect(autovacuumAction(table({ n_dead_tup: 200_051 }), SERVER)).toBe("vacuum");
  });

  it("vacuums a table that only grew, past the insert threshold; never when that threshold is -1", () => {
    expect(autovacuumAction(table({ n_ins_since_vacuum: 201_001 }), SERVER)).toBe("vacuum");
    expect(autovacuumAction(table({ n_ins_since_vacuum: 201_001 }), { ...SERVER, insertThreshold: -1 })).toBeNull();
  });

  it("only analyzes when the changes pass the analyze threshold but not the vacuum ones", () => {
    expect(autovacuumAction(table({ n_mod_since_analyze: 100_051, n_dead_tup: 100_000 }), SERVER)).toBe("analyze");
    expect(autovacuumAction(table({ n_mod_since_analyze: 100_050 }), SERVER)).toBeNull();
  });

  it("takes the table's own settings over the server's (the task table's 0.02 scale factors), and skips a table with autovacuum disabled", () => {
    const task = table({ reltuples: 1_960_000, n_dead_tup: 40_000, reloptions: ["autovacuum_vacuum_scale_factor=0.02", "autovacuum_analyze_scale_factor=0.02"] });
    expect(autovacuumAction(task, SERVER)).toBe("vacuum"); // 50 + 0.02 × 1,960,000 = 39,250
    expect(autovacuumAction({ ...task, reloptions: null }, SERVER)).toBe(null);
    expect(autovacuumAction({ ...task, reloptions: ["autovacuum_enabled=false"] }, SERVER)).toBeNull();
  });

  it("counts a never-analyzed table's rows as none (reltuples -1)", () => {
    expect(autovacuumAction(table({ reltuples: -1, n_dead_tup: 51 }), SERVER)).toBe("vacuum");
  });
});
