import { defineConfig } from "@playwright/test";

// Started by scripts/e2e.sh, which brings up the whole stack behind nginx first, or by
// deploy/test-stack.sh against the containers.
const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:6666";
// Browsers refuse port 6666 (an IRC port) unless told otherwise; on any other port the browser
// runs as people's do.
const allowPort = new URL(baseURL).port === "6666" ? ["--explicitly-allowed-ports=6666"] : [];

export default defineConfig({
  testDir: "e2e",
  testMatch: "*.e2e.ts",
  outputDir: "e2e-artifacts/test-results",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: [["list"], ["json", { outputFile: "e2e-artifacts/results.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        ...allowPort,
      ],
    },
  },
});
