import { describe, expect, test } from "bun:test";
import {
  changeEmailTokenKey,
  forgetLinkToken,
  forgetResetToken,
  resetTokenKey,
  takeLinkToken,
  takeResetToken,
  tokenFromFragment,
  verifyTokenKey,
  type LinkWindow,
} from "@/lib/reset-link";

// A token as the backend's mails carry them: 43 characters of base64url.
const token = "q3V0Zy1fWm9vLWJhcl9iYXotcXV4LTEyMzQ1Njc4OTA";

describe("the token in a link's fragment", () => {
  test("#token=… names it", () => {
    expect(tokenFromFragment(`#token=${token}`)).toEqual({ named: true, token });
    expect(tokenFromFragment("#token=abc")).toEqual({ named: true, token: "abc" });
    // Without the leading "#" too (URL.hash has it, a fragment alone may not).
    expect(tokenFromFragment("token=abc")).toEqual({ named: true, token: "abc" });
  });
  test("an empty token is named but unusable: the link was cut short", () => {
    expect(tokenFromFragment("#token=")).toEqual({ named: true, token: null });
    expect(tokenFromFragment("#token=%20")).toEqual({ named: true, token: null });
  });
  test("other fragments name no token", () => {
    for (const hash of ["", "#", "#main", "#tokens=abc", "#xtoken=abc", "#token", "#=abc"]) {
      expect(tokenFromFragment(hash)).toEqual({ named: false });
    }
  });
  test("percent-encoding is decoded; a broken escape or a non-token is unusable", () => {
    expect(tokenFromFragment("#token=abc%2Ddef%5F")).toEqual({ named: true, token: "abc-def_" });
    expect(tokenFromFragment("#token=%E0%A4%A")).toEqual({ named: true, token: null });
    // Not base64url: "+", "/", "=" padding, spaces inside, markup.
    for (const value of ["a+b", "a%2Fb", "abc%3D", "a%20b", "%3Cscript%3E"]) {
      expect(tokenFromFragment(`#token=${value}`)).toEqual({ named: true, token: null });
    }
  });
  test("surrounding white space (a mail client's) is dropped", () => {
    expect(tokenFromFragment("#token=abc%20%0A")).toEqual({ named: true, token: "abc" });
  });
  test("among several parameters, the first token wins", () => {
    expect(tokenFromFragment("#x=1&token=abc&token=def")).toEqual({ named: true, token: "abc" });
  });
});

function fakeWindow(hash: string, stored: Record<string, string> = {}, refuse = false) {
  const items = new Map(Object.entries(stored));
  const replaced: string[] = [];
  const location = { hash, pathname: "/reset-password", search: "?x=1" };
  // The page the link opened, then (after a sign-in elsewhere) opened again without it.
  const reopen = (nextHash = "") => {
    location.hash = nextHash;
  };
  const storage: LinkWindow["storage"] = {
    getItem: (key) => {
      if (refuse) throw new Error("SecurityError");
      return items.get(key) ?? null;
    },
    setItem: (key, value) => {
      if (refuse) throw new Error("QuotaExceededError");
      items.set(key, value);
    },
    removeItem: (key) => {
      if (refuse) throw new Error("SecurityError");
      items.delete(key);
    },
  };
  const win: LinkWindow = {
    location,
    history: {
      replaceState: (_state, _unused, url) => {
        replaced.push(String(url));
        location.hash = "";
      },
    },
    storage,
  };
  return { win, items, replaced, reopen };
}

describe("reading the link when the page opens", () => {
  test("the token is taken out of the address bar and kept for a reload", () => {
    const { win, items, replaced } = fakeWindow(`#token=${token}`);
    expect(takeResetToken(win)).toBe(token);
    // The path and query stay; only the fragment goes.
    expect(replaced).toEqual(["/reset-password?x=1"]);
    expect(items.get(resetTokenKey)).toBe(token);
    // The reload: no fragment any more, the tab still has the token.
    expect(takeResetToken(win)).toBe(token);
    expect(replaced).toHaveLength(1);
  });
  test("a new link replaces the token kept from an earlier one", () => {
    const { win, items } = fakeWindow("#token=newer", { [resetTokenKey]: "older" });
    expect(takeResetToken(win)).toBe("newer");
    expect(items.get(resetTokenKey)).toBe("newer");
  });
  test("a link cut short is incomplete, and no older token stands in for it", () => {
    const { win, items, replaced } = fakeWindow("#token=", { [resetTokenKey]: "older" });
    expect(takeResetToken(win)).toBeNull();
    expect(replaced).toEqual(["/reset-password?x=1"]);
    expect(items.has(resetTokenKey)).toBe(false);
  });
  test("no fragment and nothing kept: incomplete; a fragment of another kind is left alone", () => {
    expect(takeResetToken(fakeWindow("").win)).toBeNull();
    const { win, replaced } = fakeWindow("#main", { [resetTokenKey]: token });
    expect(takeResetToken(win)).toBe(token);
    expect(replaced).toEqual([]);
  });
  test("a kept value that is not a token is not used", () => {
    expect(takeResetToken(fakeWindow("", { [resetTokenKey]: "<b>x</b>" }).win)).toBeNull();
  });
  test("a browser that refuses storage still gets the token of the link itself", () => {
    const { win, replaced } = fakeWindow(`#token=${token}`, {}, true);
    expect(takeResetToken(win)).toBe(token);
    expect(replaced).toHaveLength(1);
    expect(takeResetToken(win)).toBeNull();
    expect(takeResetToken({ ...win, storage: null })).toBeNull();
  });
  test("after a reset nothing keeps the token", () => {
    const { win, items } = fakeWindow(`#token=${token}`);
    takeResetToken(win);
    forgetResetToken(win.storage);
    expect(items.has(resetTokenKey)).toBe(false);
    expect(takeResetToken(win)).toBeNull();
    forgetResetToken(null);
  });
});

describe("a verification link's token", () => {
  test("is kept under its own key, and survives leaving the page to sign in", () => {
    const { win, items, replaced, reopen } = fakeWindow(`#token=${token}`);
    expect(takeLinkToken(win, verifyTokenKey)).toBe(token);
    expect(replaced).toEqual(["/reset-password?x=1"]);
    expect(items.get(verifyTokenKey)).toBe(token);
    expect(items.has(resetTokenKey)).toBe(false);
    // Back from /login in the same tab: no fragment, the tab still has it.
    reopen();
    expect(takeLinkToken(win, verifyTokenKey)).toBe(token);
    forgetLinkToken(win.storage, verifyTokenKey);
    expect(takeLinkToken(win, verifyTokenKey)).toBeNull();
  });
  test("one kind of link never stands in for the other", () => {
    const { win } = fakeWindow("", { [resetTokenKey]: "reset", [verifyTokenKey]: "verify" });
    expect(takeLinkToken(win, verifyTokenKey)).toBe("verify");
    expect(takeResetToken(win)).toBe("reset");
    forgetResetToken(win.storage);
    expect(takeLinkToken(win, verifyTokenKey)).toBe("verify");
    expect(takeResetToken(win)).toBeNull();
  });
});

describe("a change of address link's token", () => {
  test("is kept under its own key, and survives leaving the page to sign in", () => {
    const { win, items, replaced, reopen } = fakeWindow(`#token=${token}`);
    expect(takeLinkToken(win, changeEmailTokenKey)).toBe(token);
    expect(replaced).toHaveLength(1);
    expect(items.get(changeEmailTokenKey)).toBe(token);
    expect(items.has(verifyTokenKey)).toBe(false);
    reopen();
    expect(takeLinkToken(win, changeEmailTokenKey)).toBe(token);
    forgetLinkToken(win.storage, changeEmailTokenKey);
    expect(takeLinkToken(win, changeEmailTokenKey)).toBeNull();
  });
  test("neither a verification link's nor a reset's stands in for it, nor it for them", () => {
    const { win } = fakeWindow("", { [verifyTokenKey]: "verify", [resetTokenKey]: "reset" });
    expect(takeLinkToken(win, changeEmailTokenKey)).toBeNull();
    const kept = fakeWindow("", { [changeEmailTokenKey]: "change" }).win;
    expect(takeLinkToken(kept, verifyTokenKey)).toBeNull();
    expect(takeResetToken(kept)).toBeNull();
    expect(takeLinkToken(kept, changeEmailTokenKey)).toBe("change");
    expect(new Set([resetTokenKey, verifyTokenKey, changeEmailTokenKey]).size).toBe(3);
  });
});
