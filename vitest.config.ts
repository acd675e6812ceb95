import path from "node:path";
import { defineConfig } from "vitest/config";
import { resolveIntegrationEnv } from "./test/test-env";

const alias = { "~": path.resolve(import.meta.dirname, "app") };

export default defineConfig({
  resolve: { alias },
  test: {
    // Integration tests share one database and Redis; run files one after another.
    fileParallelism: false,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["app/**/*.test.ts", "prisma/**/*.test.ts", "workers/**/*.test.ts", "scripts/**/*.test.ts", "fixtures/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          globalSetup: ["test/integration-setup.ts"],
          // The test database, Redis db and storage even when run directly (npx vitest run --project integration).
          env: resolveIntegrationEnv(process.env),
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
