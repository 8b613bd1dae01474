import { describe, expect, test } from "bun:test";
import { avatarSourcesOf, originsCache, originsOf } from "@/lib/provider-origins";

/** A clock the test moves, and a backend whose answers it scripts, counting the questions. */
function setup(waitMs = 50) {
  let time = 0;
  const answers: Array<() => Promise<string[]>> = [];
  let asked = 0;
  const get = originsCache<string[]>({
    empty: [],
    fetchOrigins: () => {
      asked += 1;
      const next = answers.shift();
      return next ? next() : Promise.reject(new Error("backend down"));
    },
    now: () => time,
    ttlMs: 60_000,
    firstWaitMs: waitMs,
  });
  return {
    get,
    asked: () => asked,
    answer: (origins: string[]) => answers.push(() => Promise.resolve(origins)),
    fail: () => answers.push(() => Promise.reject(new Error("connection refused"))),
    hang: () => answers.push(() => new Promise<string[]>(() => {})),
    advance: (ms: number) => {
      time += ms;
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the providers' origins cache", () => {
  test("fresh: the first answer is kept for a minute, the backend asked once", async () => {
    const c = setup();
    c.answer(["https://accounts.google.com"]);
    expect(await c.get()).toEqual(["https://accounts.google.com"]);
    c.advance(59_000);
    expect(await c.get()).toEqual(["https://accounts.google.com"]);
    expect(c.asked()).toBe(1);
  });

  test("stale: answered at once with the old list while one refresh runs", async () => {
    const c = setup();
    c.answer(["https://old.example"]);
    await c.get();
    c.advance(61_000);
    c.answer(["https://new.example"]);
    // The old list, at once; the refresh happens beside it.
    expect(await c.get()).toEqual(["https://old.example"]);
    await flush();
    expect(await c.get()).toEqual(["https://new.example"]);
    expect(c.asked()).toBe(2);
  });

  test("stale and the refresh fails: the old list stays, and the next request asks again", async () => {
    const c = setup();
    c.answer(["https://old.example"]);
    await c.get();
    c.advance(61_000);
    c.fail();
    expect(await c.get()).toEqual(["https://old.example"]);
    await flush();
    c.answer(["https://new.example"]);
    expect(await c.get()).toEqual(["https://old.example"]);
    await flush();
    expect(await c.get()).toEqual(["https://new.example"]);
    expect(c.asked()).toBe(3);
  });

  test("backend not up yet: 'self' only, and the very next request asks again", async () => {
    const c = setup();
    c.fail();
    expect(await c.get()).toEqual([]);
    // No minute's wait after a failure.
    c.answer(["https://accounts.google.com"]);
    expect(await c.get()).toEqual(["https://accounts.google.com"]);
    expect(c.asked()).toBe(2);
  });

  test("a backend that does not answer holds a first request only briefly", async () => {
    const c = setup(30);
    c.hang();
    const started = performance.now();
    expect(await c.get()).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("requests while a fetch runs share it", async () => {
    const c = setup();
    c.answer(["https://a.example"]);
    const both = await Promise.all([c.get(), c.get()]);
    expect(both).toEqual([["https://a.example"], ["https://a.example"]]);
    expect(c.asked()).toBe(1);
  });
});

describe("origins from the providers answer", () => {
  test("plain http(s) origins only: nothing that could add to the CSP", () => {
    const body = {
      password: true,
      providers: [
        { id: "google", authorization_origin: "https://accounts.google.com" },
        { id: "local", authorization_origin: "http://127.0.0.1:9000" },
        { id: "twice", authorization_origin: "https://accounts.google.com" },
        { id: "path", authorization_origin: "https://evil.example/x" },
        { id: "inject", authorization_origin: "https://a.example; script-src *" },
        { id: "quote", authorization_origin: "'unsafe-inline'" },
        { id: "scheme", authorization_origin: "javascript:alert(1)" },
        { id: "every site", authorization_origin: "https://*" },
        { id: "every subdomain", authorization_origin: "https://*.example.com" },
        { id: "not a string", authorization_origin: 7 },
      ],
    };
    expect(originsOf(body)).toEqual(["https://accounts.google.com", "http://127.0.0.1:9000"]);
  });

  test("an older backend's answer, without the origins, is a failure: nothing is kept from it", () => {
    const older = {
      password: true,
      providers: [{ id: "google", authorize_url: "/api/auth/google" }],
    };
    expect(() => originsOf(older)).toThrow();
    expect(() => avatarSourcesOf({ providers: [{ id: "google" }] })).toThrow();
  });

  test("an answer without a providers list is a failure, not an empty list", () => {
    expect(() => originsOf({ error: "x" })).toThrow();
    expect(() => originsOf(null)).toThrow();
  });
});

describe("avatar sources from the providers answer", () => {
  test("http(s) hosts, a leading *. label allowed, nothing that could add to the CSP", () => {
    const body = {
      providers: [
        { id: "google", avatar_sources: ["https://*.googleusercontent.com"] },
        {
          id: "discord",
          avatar_sources: ["https://cdn.discordapp.com", "https://cdn.discordapp.com"],
        },
        {
          id: "inject",
          avatar_sources: ["https://a.example; script-src *", "'unsafe-inline'", "*"],
        },
        { id: "deep", avatar_sources: ["https://*.*.example", "https://x.*.example", "data:"] },
        {
          id: "broad",
          avatar_sources: ["https://*", "https://*.com", "https:", "https://*.localhost"],
        },
        { id: "path", avatar_sources: ["https://img.example/avatars"] },
        { id: "not a list", avatar_sources: "https://img.example" },
      ],
    };
    expect(avatarSourcesOf(body)).toEqual([
      "https://*.googleusercontent.com",
      "https://cdn.discordapp.com",
    ]);
  });
});
