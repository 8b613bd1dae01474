import { describe, expect, test } from "bun:test";
import { findSessionCookie, sessionCookieNames } from "@/lib/session-cookie";

const jar = (cookies: Record<string, string>) => (name: string) => cookies[name];

describe("the session cookie", () => {
  test("is looked for under the __Host- name first, then the plain one", () => {
    expect(sessionCookieNames).toEqual(["__Host-access_token", "access_token"]);
    expect(findSessionCookie(jar({ access_token: "old", "__Host-access_token": "new" }))).toEqual({
      name: "__Host-access_token",
      value: "new",
    });
    expect(findSessionCookie(jar({ access_token: "old" }))).toEqual({
      name: "access_token",
      value: "old",
    });
  });

  test("an empty or missing cookie is no session", () => {
    expect(findSessionCookie(jar({ access_token: "" }))).toBeNull();
    expect(findSessionCookie(jar({}))).toBeNull();
  });
});
