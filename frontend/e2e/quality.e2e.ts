// Headers, accessibility, screenshots and the measured cost of /login.
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import {
  cspViolations,
  expect,
  noSeriousViolations,
  register,
  test,
  uniqueEmail,
} from "./fixtures";
import type { Page } from "@playwright/test";
import { webAuthn } from "./authenticator";

const artifacts = "e2e-artifacts";
mkdirSync(`${artifacts}/screenshots`, { recursive: true });

test("pages carry a nonce CSP allowing only this origin and the hardening headers", async ({
  page,
}) => {
  for (const path of ["/login", "/register", "/"]) {
    const response = await page.goto(path);
    const headers = response!.headers();
    const csp = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, `${path} has a nonce`).toBeTruthy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    // Every script, inline or not, carries this response's nonce.
    const scripts = await page
      .locator("script")
      .evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce));
    expect(scripts.length).toBeGreaterThan(0);
    for (const n of scripts) expect(n).toBe(nonce);
  }
  // A fresh nonce per response.
  const a = (await page.goto("/login"))!.headers()["content-security-policy"];
  const b = (await page.goto("/login"))!.headers()["content-security-policy"];
  expect(a).not.toBe(b);
});

test("injected markup cannot run script (the classic XSS shape)", async ({ page }) => {
  await page.goto("/login");
  const outcome = await page.evaluate(async () => {
    const blocked = new Promise<string | null>((resolve) => {
      document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), {
        once: true,
      });
      setTimeout(() => resolve(null), 2000);
    });
    const div = document.createElement("div");
    div.innerHTML = '<img src="/missing.png" onerror="window.__injected = true">';
    document.body.appendChild(div);
    const directive = await blocked;
    return { directive, ran: (window as unknown as { __injected?: boolean }).__injected === true };
  });
  expect(outcome.ran).toBe(false);
  expect(outcome.directive).toMatch(/^script-src/);
  // This violation was provoked on purpose; the fixture's check is for unexpected ones.
  await expect.poll(() => cspViolations(page).length).toBeGreaterThan(0);
  cspViolations(page).length = 0;
});

async function shoot(page: Page, name: string) {
  for (const [label, size] of [
    ["phone", { width: 375, height: 812 }],
    ["desktop", { width: 1280, height: 800 }],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({
      path: `${artifacts}/screenshots/${name}-${label}.png`,
      fullPage: true,
    });
  }
}

test("login and register: no serious accessibility violation; screenshots", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "login");
  await page.goto("/register");
  await page.getByLabel("Password", { exact: true }).fill("violet");
  await noSeriousViolations(page);
  await shoot(page, "register");
});

test("account: no serious accessibility violation; screenshots", async ({ page }) => {
  await register(page, uniqueEmail("axe"), "Axe Checker");
  await page.goto("/account");
  await expect(page.getByTestId("sessions")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "account");
});

test("account with a passkey: screenshots", async ({ page }) => {
  await register(page, uniqueEmail("shotpasskey"), "Shot Passkey");
  const device = await webAuthn(page);
  await page.goto("/account");
  await device.attach({ synced: true });
  await page.getByLabel("Name (optional)").fill("Phone");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByTestId("passkeys")).toContainText("Phone");
  await shoot(page, "account-passkeys");
});

test("the confirm-it's-you dialog: no serious accessibility violation; screenshots", async ({
  page,
}) => {
  await register(page, uniqueEmail("axedialog"), "Axe Dialog");
  // How the backend answers a link started without a recent proof: the page opens the dialog.
  await page.goto("/account?error=reauthentication_required&provider=google");
  const dialog = page.getByRole("dialog", { name: "Confirm it's you" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel("Password")).toBeFocused();
  await noSeriousViolations(page);
  await shoot(page, "account-confirm");
});

test("forgot and reset password: no serious accessibility violation; screenshots", async ({
  page,
}) => {
  await page.goto("/forgot-password");
  await expect(page.locator("form[data-usable]")).toBeAttached();
  await noSeriousViolations(page);
  await shoot(page, "forgot-password");
  // The answer, for an address without an account (no mail goes out).
  await page.getByLabel("Email").fill(uniqueEmail("axeforgot"));
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByTestId("reset-link-sent")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "forgot-password-sent");
  // A link's page with a token (not one the backend made: nothing is sent), rules half met.
  await page.goto(`/reset-password#token=${"A".repeat(43)}`);
  await page.getByLabel("New password", { exact: true }).fill("violet");
  await page.getByLabel("Confirm new password").fill("violet-");
  await expect(page.getByText("The passwords do not match.")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "reset-password");
  // And without one (the tab kept the token above: forgotten first).
  await page.evaluate(() => sessionStorage.clear());
  await page.goto("/reset-password");
  await expect(page.getByTestId("link-incomplete")).toBeVisible();
  await noSeriousViolations(page);
});

test("verify email: no serious accessibility violation; screenshots", async ({ page }) => {
  // Signed out, with a token (not one the backend made: nothing is sent before the button).
  await page.goto(`/verify-email#token=${"A".repeat(43)}`);
  await expect(page.getByTestId("verify-sign-in")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "verify-email-signed-out");
  // Signed in, back on the page (the tab kept the token): the address and the button.
  await register(page, uniqueEmail("axeverify"), "Axe Verify");
  await page.goto("/verify-email");
  await expect(page.getByTestId("verify-address")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "verify-email");
  // Refused (the backend never made that token), with "Send a new link".
  await page.getByRole("button", { name: "Confirm my address" }).click();
  await expect(page.getByTestId("link-refused")).toBeVisible();
  await noSeriousViolations(page);
  // Without a token.
  await page.evaluate(() => sessionStorage.clear());
  await page.goto("/verify-email");
  await expect(page.getByTestId("link-incomplete")).toBeVisible();
  await noSeriousViolations(page);
});

test("change email: no serious accessibility violation; screenshots", async ({ page }) => {
  // Signed out, with a token (not one the backend made: nothing is sent before the button).
  await page.goto(`/confirm-email#token=${"A".repeat(43)}`);
  await expect(page.getByTestId("confirm-email-sign-in")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "confirm-email-signed-out");
  // The account page's form, open, with a sentence beside the field.
  await register(page, uniqueEmail("axemove"), "Axe Move");
  await page.goto("/account");
  await page.getByRole("button", { name: "Change email" }).click();
  await page.getByLabel("New email").fill("not an address");
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.locator("#new_email-error")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "account-change-email");
  // Signed in, back on the page (the tab kept the token): who is signed in, and the button.
  await page.goto("/confirm-email");
  await expect(page.getByTestId("confirm-email-account")).toBeVisible();
  await noSeriousViolations(page);
  await shoot(page, "confirm-email");
  // Refused (the backend never made that token).
  await page.getByRole("button", { name: "Confirm the new address" }).click();
  await expect(page.getByTestId("link-refused")).toBeVisible();
  await noSeriousViolations(page);
  // Without a token (a refused one is forgotten).
  await page.goto("/confirm-email");
  await expect(page.getByTestId("link-incomplete")).toBeVisible();
  await noSeriousViolations(page);
});

test("the login form is keyboard-usable", async ({ page }) => {
  await page.goto("/login");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.getByLabel("Email").focus();
  await page.keyboard.type("nobody@example.com");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("Password")).toBeFocused();
  await page.keyboard.type("wrong-password-1");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("form-error")).toBeVisible();
});

test("records the gzipped JavaScript of /login and the time to a usable form", async ({ page }) => {
  const scripts = new Map<string, Promise<Buffer>>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script")
      scripts.set(response.url(), response.body());
  });
  await page.goto("/login", { waitUntil: "networkidle" });
  await expect(page.locator("form[data-usable]")).toBeAttached();
  let gzipped = 0;
  let raw = 0;
  for (const body of scripts.values()) {
    const bytes = await body;
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  const usableMs = await page.evaluate(
    () => performance.getEntriesByName("login-form-usable")[0]?.startTime ?? -1,
  );
  const metrics = {
    page: "/login",
    scripts: scripts.size,
    javascript_bytes: raw,
    javascript_gzip_bytes: gzipped,
    javascript_gzip_kb: Math.round((gzipped / 1024) * 10) / 10,
    time_to_usable_form_ms: Math.round(usableMs),
  };
  writeFileSync(`${artifacts}/login-metrics.json`, `${JSON.stringify(metrics, null, 2)}\n`);
  console.log(`login metrics: ${JSON.stringify(metrics)}`);
  expect(usableMs).toBeGreaterThan(0);
  expect(gzipped).toBeLessThanOrEqual(180 * 1024);
});
