// Pages know the user from the server: the first HTML already holds it, and a page load asks
// the API for nothing it already has (no "Loading…", no 401 noise in the console).
import type { Page } from "@playwright/test";
import { expect, register, test, uniqueEmail } from "./fixtures";

/** Console errors and uncaught exceptions of a page, as a person with devtools open sees them. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("the first HTML of /account and / already holds the signed-in user", async ({ page }) => {
  const name = `Served ${Date.now().toString(36)}`;
  const email = uniqueEmail("served");
  await register(page, email, name);
  // The page's raw HTML as the server sends it, with the browser's session cookie.
  const account = await page.request.get("/account");
  expect(account.status()).toBe(200);
  const html = await account.text();
  // As rendered markup (the nav's and the profile's name), not only in the page's data.
  expect(html.match(new RegExp(`<bdi>${name}</bdi>`, "g"))?.length).toBeGreaterThanOrEqual(2);
  expect(html).toContain(email);
  const home = await (await page.request.get("/")).text();
  expect(home).toContain(`<strong>${email}</strong>`);
  expect(home).not.toContain("Loading…");
});

test("a signed-in page load does not ask the API for the user again", async ({ page }) => {
  await register(page, uniqueEmail("noask"), "No Ask");
  const asked: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/me") asked.push(request.url());
  });
  await page.goto("/account");
  await expect(page.getByTestId("sessions")).toBeVisible();
  await page.goto("/");
  await expect(page.getByTestId("nav-user")).toContainText("No Ask");
  expect(asked).toEqual([]);
});

test("signed-out pages load without a console error", async ({ page }) => {
  const errors = watchErrors(page);
  for (const path of ["/", "/login", "/register", "/login?callbackUrl=%2Faccount"]) {
    await page.goto(path, { waitUntil: "networkidle" });
    await expect(page.locator("h1")).toBeVisible();
  }
  expect(errors).toEqual([]);
});
