/**
 * bench:load's stand-in for autovacuum, used only when the server's is off.
 *
 * This machine's Postgres runs with `autovacuum = off` (its CI configuration, conf.d/90-ci.conf); no deployment
 * does (docs/deploy.md). Without it the tables a run changes are never vacuumed: their pages lose the
 * all-visible bit, so the board's backlog, an index-only scan (decision 041), fetches every open review from the
 * heap again (20,339 heap fetches, 105 ms, after two runs on one seed), and dead rows pile up. So when the server's
 * autovacuum is off, the bench does its job the way it would: every `everyMs`, each table past autovacuum's own
 * thresholds — the table's reloptions where set (the task table's 0.02 scale factors), else the server's
 * settings — is vacuumed and analyzed (or only analyzed), one table at a time, on a connection of its own. Its
 * backend is one of the bench database's, so its CPU counts as Postgres's, as autovacuum's would.
 */
import pg from "pg";

type TableStats = { relname: string; reltuples: number; n_dead_tup: number; n_ins_since_vacuum: number; n_mod_since_analyze: number; reloptions: string[] | null };

export type AutovacuumSettings = {
  vacuumThreshold: number;
  vacuumScaleFactor: number;
  insertThreshold: number;
  insertScaleFactor: number;
  analyzeThreshold: number;
  analyzeScaleFactor: number;
};

/** What autovacuum would do to a table now: vacuum (with analyze), analyze only, or nothing (PostgreSQL 15's rules). */
export function autovacuumAction(t: Omit<TableStats, "relname">, server: AutovacuumSettings): "vacuum" | "analyze" | null {
  const opt = new Map((t.reloptions ?? []).map((o) => o.split("=") as [string, string]));
  const num = (name: string, fallback: number) => (opt.has(name) ? Number(opt.get(name)) : fallback);
  if (opt.get("autovacuum_enabled") === "false") return null;
  const tuples = Math.max(t.reltuples, 0);
  const vacuumAt = num("autovacuum_vacuum_threshold", server.vacuumThreshold) + num("autovacuum_vacuum_scale_factor", server.vacuumScaleFactor) * tuples;
  const insertThreshold = num("autovacuum_vacuum_insert_threshold", server.insertThreshold);
  const insertAt = insertThreshold + num("autovacuum_vacuum_insert_scale_factor", server.insertScaleFactor) * tuples;
  const analyzeAt = num("autovacuum_analyze_threshold", server.analyzeThreshold) + num("autovacuum_analyze_scale_factor", server.analyzeScaleFactor) * tuples;
  // An insert threshold of -1 turns insert-driven vacuums off.
  if (t.n_dead_tup > vacuumAt || (insertThreshold >= 0 && t.n_ins_since_vacuum > insertAt)) return "vacuum";
  if (t.n_mod_since_analyze > analyzeAt) return "analyze";
  return null;
}

export type VacuumStandIn = { stop: () => Promise<{ vacuums: number; analyzes: number; seconds: number }> };

/**
 * Starts the stand-in when the server's autovacuum is off; returns null (nothing started) when it is on.
 * `stop()` lets the table being vacuumed finish, then closes the connection.
 */
export async function startVacuumStandIn(connectionString: string, { everyMs = 15_000, log = console.log }: { everyMs?: number; log?: (line: string) => void } = {}): Promise<VacuumStandIn | null> {
  const db = new pg.Client({ connectionString, application_name: "bench:load autovacuum stand-in" });
  await db.connect();
  const setting = async (name: string) => (await db.query<{ s: string }>("SELECT current_setting($1) AS s", [name])).rows[0]!.s;
  if ((await setting("autovacuum")) === "on") {
    await db.end();
    return null;
  }
  const server: AutovacuumSettings = {
    vacuumThreshold: Number(await setting("autovacuum_vacuum_threshold")),
    vacuumScaleFactor: Number(await setting("autovacuum_vacuum_scale_factor")),
    insertThreshold: Number(await setting("autovacuum_vacuum_insert_threshold")),
    insertScaleFactor: Number(await setting("autovacuum_vacuum_insert_scale_factor")),
    analyzeThreshold: Number(await setting("autovacuum_analyze_threshold")),
    analyzeScaleFactor: Number(await setting("autovacuum_analyze_scale_factor")),
  };
  log(`[bench:load] the server's autovacuum is off: the bench vacuums and analyzes the tables past autovacuum's thresholds every ${everyMs / 1000} s`);
  const done = { vacuums: 0, analyzes: 0, ms: 0 };
  let stopping = false;
  let wake: (() => void) | null = null;

  async function pass(): Promise<void> {
    const { rows } = await db.query<TableStats>(
      `SELECT s.relname, c.reltuples::float8 AS reltuples, s.n_dead_tup::float8 AS n_dead_tup,
              s.n_ins_since_vacuum::float8 AS n_ins_since_vacuum, s.n_mod_since_analyze::float8 AS n_mod_since_analyze, c.reloptions
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid`,
    );
    for (const t of rows) {
      if (stopping) return;
      const action = autovacuumAction(t, server);
      if (!action) continue;
      const t0 = performance.now();
      await db.query(`${action === "vacuum" ? "VACUUM (ANALYZE)" : "ANALYZE"} ${pg.escapeIdentifier(t.relname)}`);
      done.ms += performance.now() - t0;
      if (action === "vacuum") done.vacuums += 1;
      else done.analyzes += 1;
    }
  }

  const loop = (async () => {
    while (!stopping) {
      try {
        await pass();
      } catch (err) {
        log(`[bench:load] the autovacuum stand-in stopped: ${String(err)}`);
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, everyMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
      await db.end();
      return { vacuums: done.vacuums, analyzes: done.analyzes, seconds: Math.round(done.ms / 100) / 10 };
    },
  };
}
