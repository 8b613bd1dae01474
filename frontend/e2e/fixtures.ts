// Shared set-up: every page records Content-Security-Policy violations, and a test fails if
// any was reported while it ran.
import { execFileSync } from "node:child_process";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Browser, type Page } from "@playwright/test";

export const password = "violet-harbour-42";

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

const violations = new WeakMap<Page, string[]>();

export function watchCsp(page: Page): void {
  const seen: string[] = [];
  violations.set(page, seen);
  page.on("console", (msg) => {
    if (/Content[- ]Security[- ]Policy/i.test(msg.text())) seen.push(msg.text());
  });
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content-Security-Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

export function cspViolations(page: Page): string[] {
  return violations.get(page) ?? [];
}

export const test = base.extend<{ page: Page }>({
  page: async ({ page }, provide) => {
    watchCsp(page);
    await provide(page);
    expect(cspViolations(page), "CSP violations").toEqual([]);
  },
});
export { expect };

/** axe-core finds no serious or critical accessibility violation on the page as it is. */
export async function noSeriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

/** A second, separate browser (its own cookies), also watched for CSP violations. */
export async function otherBrowser(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  watchCsp(page);
  return { context, page };
}

export async function register(page: Page, email: string, name: string) {
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("nav-user")).toContainText(name);
}

export async function login(page: Page, email: string, pass = password) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** The local OpenID provider's own login and consent pages. */
export async function googleConsent(page: Page, login: string) {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]').click();
}

export async function discordConsent(page: Page, login: string) {
  await page.getByLabel("Login").fill(login);
  await page.getByRole("button", { name: "Authorize" }).click();
}

export const tag = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** Runs SQL on the backend's database (scripts/e2e.sh names it in E2E_DATABASE). */
function sqlite(sql: string): string {
  const database = process.env.E2E_DATABASE;
  if (!database) throw new Error("E2E_DATABASE is not set: run the suite with scripts/e2e.sh");
  return execFileSync("sqlite3", ["-cmd", ".timeout 5000", database, sql], { encoding: "utf8" });
}

/** A timestamp as the database stores it, `seconds` earlier, in the same text format. */
export function earlier(stored: string, seconds: number): string {
  const parts = /^(\d{4}-\d{2}-\d{2})([T ])(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00:?00| UTC)?$/.exec(
    stored.trim(),
  );
  if (!parts) throw new Error(`not a UTC timestamp as expected: ${stored}`);
  const [, date, separator, time, fraction = "", zone = ""] = parts;
  const moved = new Date(Date.parse(`${date}T${time}Z`) - seconds * 1000).toISOString();
  return `${moved.slice(0, 10)}${separator}${moved.slice(11, 19)}${fraction}${zone}`;
}

/**
 * Makes every session of the account prove who it is `seconds` ago, as if its sign-in were that
 * old: the backend reads the proof from the row, so nothing needs restarting, and the shipped
 * window (REAUTH_WINDOW_SECS) stays as it is.
 */
export function ageProof(email: string, seconds: number): void {
  const owner = `user_id IN (SELECT id FROM users WHERE email = '${email.replace(/'/g, "''")}')`;
  const rows = sqlite(
    `SELECT rowid, COALESCE(authenticated_at, created_at) FROM sessions WHERE ${owner};`,
  )
    .split("\n")
    .filter(Boolean);
  expect(rows.length, `sessions of ${email}`).toBeGreaterThan(0);
  for (const row of rows) {
    const [rowid, stored] = row.split("|");
    sqlite(
      `UPDATE sessions SET authenticated_at = '${earlier(stored ?? "", seconds)}' WHERE rowid = ${Number(rowid)};`,
    );
  }
}

/**
 * Makes the account's mail links (password reset, address verification) `seconds` older, as if
 * they had been asked for that long ago: the backend reads a link's expiry from its row.
 */
export function ageMailLinks(email: string, seconds: number): void {
  const owner = `lower(email) = lower('${email.replace(/'/g, "''")}')`;
  const rows = sqlite(`SELECT rowid, created_at, expires_at FROM link_tokens WHERE ${owner};`)
    .split("\n")
    .filter(Boolean);
  expect(rows.length, `mail links of ${email}`).toBeGreaterThan(0);
  for (const row of rows) {
    const [rowid, created, expires] = row.split("|");
    sqlite(
      `UPDATE link_tokens SET created_at = '${earlier(created ?? "", seconds)}', expires_at = '${earlier(expires ?? "", seconds)}' WHERE rowid = ${Number(rowid)};`,
    );
  }
}
