// The display-name rule against the cases the backend's tests read too, so the form answers as
// the server will.
import { describe, expect, test } from "bun:test";
import { displayNameProblem, trimWhiteSpace, type NameCode } from "@/lib/display-name";
import { validateName } from "@/lib/validation";

type Accepted = { input: string; stored: string; note: string };
type Refused = { input: string; code: NameCode; note: string; server_only?: boolean };
type Fixture = { about: string; accepted: Accepted[]; refused: Refused[] };

const fixturePath = `${import.meta.dir}/../../../crates/domain/tests/fixtures/names.json`;
const fixture = (await Bun.file(fixturePath).json()) as Fixture;

describe("the shared name cases", () => {
  test("the file has cases of both kinds", () => {
    expect(fixture.accepted.length).toBeGreaterThan(0);
    expect(fixture.refused.length).toBeGreaterThan(0);
  });

  test.each(fixture.accepted.map((c) => [c.note, c] as const))("accepts %s", (_, c) => {
    expect(displayNameProblem(c.input)).toBeNull();
    expect(validateName(c.input)).toBeNull();
    expect(trimWhiteSpace(c.input)).toBe(c.stored);
  });

  const refused = fixture.refused.filter((c) => !c.server_only);
  test.each(refused.map((c) => [c.note, c] as const))("refuses %s", (_, c) => {
    expect(displayNameProblem(c.input)?.code).toBe(c.code);
    expect(validateName(c.input)).not.toBeNull();
  });

  // The browser's Unicode may be older than the server's: what depends on it is the server's.
  const serverOnly = fixture.refused.filter((c) => c.server_only);
  test.each(serverOnly.map((c) => [c.note, c] as const))("leaves %s to the server", (_, c) => {
    expect(displayNameProblem(c.input)).toBeNull();
  });
});

describe("messages", () => {
  test("each problem tells the person what to change", () => {
    expect(validateName(" ")).toBe("Enter your name.");
    expect(validateName("x".repeat(101))).toContain("at most 100 characters");
    expect(validateName("Ada\u202eecalevol")).toBe(
      "Remove invisible or control characters from your name.",
    );
    expect(validateName("\u2800")).toContain("visible character");
  });
});

describe("trimming", () => {
  test("only Unicode white space, so a BOM at either end stays (and is refused)", () => {
    expect(trimWhiteSpace("\u00a0Ada\u2003")).toBe("Ada");
    expect(trimWhiteSpace("\ufeffAda\ufeff")).toBe("\ufeffAda\ufeff");
    expect(displayNameProblem("Ada\ufeff")?.code).toBe("invalid_characters");
  });
});

describe("joiners and flags", () => {
  test("a joiner before a subdivision flag is between two symbols", () => {
    const scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
    expect(displayNameProblem(`Ewan 👩\u200d${scotland}`)).toBeNull();
    // After the cancel tag, a joiner has a format character, not a symbol, on its left.
    expect(displayNameProblem(`Ewan ${scotland}\u200d👩`)?.code).toBe("invalid_characters");
  });

  test("a flag's region has one to four characters after its two letters", () => {
    const flag = (tags: string) =>
      `\u{1F3F4}${Array.from(tags, (c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join("")}\u{E007F}`;
    expect(displayNameProblem(flag("gbeng"))).toBeNull();
    expect(displayNameProblem(flag("us12ab"))).toBeNull();
    expect(displayNameProblem(flag("gb"))?.code).toBe("invalid_characters");
    expect(displayNameProblem(flag("us12abc"))?.code).toBe("invalid_characters");
    expect(displayNameProblem(flag("1bcd"))?.code).toBe("invalid_characters");
  });

  test("a lone surrogate cannot be sent, so it is refused", () => {
    expect(displayNameProblem("Ada\ud800")?.code).toBe("invalid_characters");
  });
});
