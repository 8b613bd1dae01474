import { expect, test } from "bun:test";
import { isProtected } from "@/lib/protected-paths";

test("protected paths: the account and below it, with a query; not lookalikes", () => {
  expect(isProtected("/account")).toBe(true);
  expect(isProtected("/account/sessions")).toBe(true);
  expect(isProtected("/account?tab=x")).toBe(true);
  expect(isProtected("/accountant")).toBe(false);
  expect(isProtected("/")).toBe(false);
  expect(isProtected("/login?callbackUrl=/account")).toBe(false);
});
