// Headless Chromium signs in with "Google" (a local OpenID provider) through nginx on :6666.
import { chromium } from 'playwright-core';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:6666';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Chromium blocks port 6666 (an IRC port) unless told otherwise.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--explicitly-allowed-ports=6666'],
});
const fail = async (message) => { console.error(`FAIL: ${message}`); await browser.close(); process.exit(1); };
try {
  const page = await browser.newPage();
  await page.goto(`${base}/api/auth/google?redirect_to=/welcome`);
  // The provider's own login and consent pages.
  await page.waitForSelector('input[name="login"]', { timeout: 10000 });
  await page.fill('input[name="login"]', 'alice');
  await page.fill('input[name="password"]', 'any password');
  await page.click('button[type="submit"]');
  await page.waitForSelector('button[type="submit"]', { timeout: 10000 });
  await page.click('button[type="submit"]');
  await page.waitForURL(`${base}/welcome`, { timeout: 10000 });
  console.log(`landed on ${page.url()}`);
  const cookies = await page.context().cookies(base);
  const session = cookies.find((c) => c.name === 'access_token');
  if (!session || !session.httpOnly || session.sameSite !== 'Lax') await fail(`session cookie: ${JSON.stringify(session)}`);
  const me = await page.evaluate(async () => {
    const response = await fetch('/api/auth/me');
    return { status: response.status, body: await response.json() };
  });
  console.log(`/api/auth/me answered ${me.status}: ${JSON.stringify(me.body)}`);
  if (me.status !== 200 || me.body.email !== 'alice@example.com' || !me.body.providers.includes('google')) {
    await fail('the browser is not signed in as alice');
  }
  await page.screenshot({ path: process.env.SCREENSHOT ?? '/tmp/browser-signin.png' });
  console.log('browser sign-in: ok');
} catch (error) {
  await fail(error.message);
}
await browser.close();
