// A form submitted by the browser itself (scripts off, or not yet run) must never carry the
// password in a URL, where history, logs and Referer headers would keep it.
import type { Page } from "@playwright/test";
import { expect, password, test } from "./fixtures";

/** Every URL the page requests or shows, to search for the password afterwards. */
function watchUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  page.on("framenavigated", (frame) => urls.push(frame.url()));
  return urls;
}

function withPassword(urls: string[]): string[] {
  return urls.filter((url) => {
    let decoded = url;
    try {
      decoded = decodeURIComponent(url.replace(/\+/g, " "));
    } catch {
      // A malformed escape: the raw URL is still searched.
    }
    return url.includes(password) || decoded.includes(password);
  });
}

// Long enough to fill the form and press Enter while the page has no script.
const scriptDelayMs = 3_000;

/** A form that rightly does nothing gives no event to wait for: a submit starts well within this. */
async function noNavigationYet(page: Page) {
  await page.waitForTimeout(1_000);
  await page.waitForLoadState();
}

test.describe("scripts off", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in says it needs JavaScript, and Enter or a click sends nothing", async ({ page }) => {
    const urls = watchUrls(page);
    await page.goto("/login");
    await expect(page.getByTestId("needs-javascript")).toBeVisible();
    await expect(page.getByTestId("needs-javascript")).toContainText("needs JavaScript");
    await page.getByLabel("Email").fill("no-script@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("Password").press("Enter");
    await page.getByRole("button", { name: "Sign in", exact: true }).click({ force: true });
    await noNavigationYet(page);
    expect(withPassword([...urls, page.url()])).toEqual([]);
    await expect(page).toHaveURL(/\/login$/);
  });

  test("registration says it needs JavaScript, and Enter or a click sends nothing", async ({
    page,
  }) => {
    const urls = watchUrls(page);
    await page.goto("/register");
    await expect(page.getByTestId("needs-javascript")).toBeVisible();
    await page.getByLabel("Email").fill("no-script@example.com");
    await page.getByLabel("Name").fill("No Script");
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("Confirm password").fill(password);
    await page.getByLabel("Confirm password").press("Enter");
    await page.getByRole("button", { name: "Create account" }).click({ force: true });
    await noNavigationYet(page);
    expect(withPassword([...urls, page.url()])).toEqual([]);
    await expect(page).toHaveURL(/\/register$/);
  });
});

test.describe("before the page's script has run", () => {
  test.beforeEach(async ({ page }) => {
    // Scripts only: a late stylesheet would hold back the whole document instead.
    await page.route("**/_next/static/chunks/**/*.js", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, scriptDelayMs));
      await route.continue();
    });
  });

  test("pressing Enter on the sign-in form does not put the password in the URL", async ({
    page,
  }) => {
    const urls = watchUrls(page);
    await page.goto("/login", { waitUntil: "domcontentloaded" });
    await expect(page.locator("form[data-usable]")).toHaveCount(0);
    await page.getByLabel("Email").fill("too-early@example.com");
    await page.getByLabel("Password").fill(password);
    await page.getByLabel("Password").press("Enter");
    await noNavigationYet(page);
    expect(withPassword([...urls, page.url()])).toEqual([]);
    await expect(page.locator("form[data-usable]")).toBeAttached({ timeout: scriptDelayMs * 3 });
    expect(withPassword([...urls, page.url()])).toEqual([]);
    await expect(page).toHaveURL(/\/login$/);
  });

  test("pressing Enter on the registration form does not put the password in the URL", async ({
    page,
  }) => {
    const urls = watchUrls(page);
    await page.goto("/register", { waitUntil: "domcontentloaded" });
    await expect(page.locator("form[data-usable]")).toHaveCount(0);
    await page.getByLabel("Email").fill("too-early@example.com");
    await page.getByLabel("Name").fill("Too Early");
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByLabel("Confirm password").fill(password);
    await page.getByLabel("Confirm password").press("Enter");
    await noNavigationYet(page);
    expect(withPassword([...urls, page.url()])).toEqual([]);
    await expect(page.locator("form[data-usable]")).toBeAttached({ timeout: scriptDelayMs * 3 });
    expect(withPassword([...urls, page.url()])).toEqual([]);
    await expect(page).toHaveURL(/\/register$/);
  });
});
