import { defineConfig } from "vitest/config";

// One project per test layer so a user can run one of them: `vitest run --project unit`.
export default defineConfig({
  test: {
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Type tests (`*.test-d.ts`) are checked by tsc and fail the run like any other test.
          typecheck: { enabled: true, include: ["test/unit/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
        },
      },
      { extends: true, test: { name: "integration", include: ["test/integration/**/*.test.ts"] } },
      {
        extends: true,
        // e2e files start real servers (sls offline, netlify, chromium): one file at a time, each in a
        // fresh fork; vitest runs such a project after the parallel ones.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          maxWorkers: 1,
          testTimeout: 120_000,
        },
      },
    ],
  },
});
