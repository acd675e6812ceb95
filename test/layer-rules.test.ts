import { execFile } from "node:child_process";
import path from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const depcruise = path.join(root, "node_modules/.bin/depcruise");
const config = path.join(root, ".dependency-cruiser.cjs");

/** Runs the checker exactly as `npm run lint:layers` does, in a folder: its exit code and "rule: from" per violation. */
async function violationsIn(cwd: string, dirs: string[]): Promise<{ exitCode: number; violations: string[] }> {
  const args = ["--config", config, "--output-type", "err", ...dirs];
  // Colour is switched on in CI (the checker's colour library detects it): ask for none, and strip any left.
  const env = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
  const { exitCode, stdout } = await run(depcruise, args, { cwd, env }).then(
    ({ stdout }) => ({ exitCode: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ exitCode: error.code, stdout: error.stdout }),
  );
  const violations = [...stripVTControlCharacters(stdout).matchAll(/^\s*error ([\w-]+): (\S+)/gm)].map((m) => `${m[1]}: ${m[2]}`);
  return { exitCode, violations };
}

// `npm run lint` runs the same checker over the real tree; this proves the rules bite.
describe("layer rules (.dependency-cruiser.cjs, run by npm run lint)", () => {
  it("fail on every file that breaks one, naming the rule", async () => {
    const { exitCode, violations } = await violationsIn(path.join(root, "test/fixtures/layer-violations"), ["app", "workers"]);
    expect(exitCode).not.toBe(0);
    expect(violations.sort()).toEqual(
      [
        "components-import-no-server-code: app/components/screen-types-from-server.tsx",
        "contracts-import-domain-only: app/contracts/view-reads-utils.ts",
        "domain-is-pure: app/domain/rule-reads-model.ts",
        "jobs-import-no-routes-workers: app/jobs/job-reads-route.ts",
        "models-import-no-jobs-routes-workers: app/models/model-runs-job.server.ts",
        "app-imports-no-tools: app/routes/route-runs-worker.tsx",
        "no-circular: app/domain/circle-a.ts",
        "routes-import-no-jobs-workers: app/routes/route-runs-worker.tsx",
        "utils-import-no-models: app/utils/helper-reads-model.ts",
        "workers-import-no-routes-components: workers/runs-route.ts",
      ].sort(),
    );
  }, 60_000);
});
