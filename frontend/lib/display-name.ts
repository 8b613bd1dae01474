// The display-name rule, the same as the backend's DisplayName and checked against the same
// cases (crates/domain/tests/fixtures/names.json). Names come in every script and with emoji,
// so joiners, emoji tags and variation selectors are allowed where a name needs them; what is
// refused is what hides or reorders text. Unassigned code points are left to the server: the
// browser's Unicode may be older than the backend's, and a new emoji must not be blocked here.

export const maxNameLength = 100;

export type NameCode = "required" | "too_long" | "invalid_characters";
export type NameProblem = { code: NameCode; message: string };

// String.prototype.trim also strips U+FEFF, which is not white space: the backend keeps it
// (and then refuses it), so a name must be trimmed the way the backend trims it.
const edgeWhiteSpace = /^\p{White_Space}+|\p{White_Space}+$/gu;

// Surrogates only occur alone here (a pair is one character), and a lone one cannot be sent.
// With the letters and marks that draw nothing: Hangul fillers, the grapheme joiner, Khmer's
// inherent vowels.
const refusedAnywhere =
  /^[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\u034F\u115F\u1160\u17B4\u17B5\u3164\uFFA0]$/u;
const joinable = /^[\p{L}\p{M}\p{S}]$/u;
const variationSelector = /^[\u180B-\u180D\u180F\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
// What a variation selector may follow: one selector, right after a letter, digit, punctuation
// or symbol, since a run of them could spell hidden text.
const selectable = /^[\p{L}\p{N}\p{P}\p{S}]$/u;
const zeroWidthNonJoiner = "\u200C";
const zeroWidthJoiner = "\u200D";
const blackFlag = "\u{1F3F4}";
// A subdivision flag: the black flag, a region's two tag letters, one to four tag letters or
// digits, the cancel tag. A sentence spelt in tags is no flag, so no text can hide in one.
const tagSequence =
  /^\u{1F3F4}[\u{E0061}-\u{E007A}]{2}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,4}\u{E007F}$/u;
const longestTagSequence = 8;
const drawsNothing =
  /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zs}\p{Zl}\p{Zp}\p{Mn}\p{Me}\u115F\u1160\u3164\uFFA0\u2800]$/u;

/** Removes Unicode White_Space at both ends, as the backend does. */
export function trimWhiteSpace(value: string): string {
  return value.replace(edgeWhiteSpace, "");
}

/** The number of characters of the subdivision flag starting at `start`, or 0 if none does. */
function tagSequenceLength(chars: string[], start: number): number {
  if (chars[start] !== blackFlag) return 0;
  for (let length = longestTagSequence; length >= 5; length--) {
    if (tagSequence.test(chars.slice(start, start + length).join(""))) return length;
  }
  return 0;
}

/** Whether the character at `i` may stand where it is. */
function permittedAt(chars: string[], i: number): boolean {
  const c = chars[i] ?? "";
  if (variationSelector.test(c)) return selectable.test(chars[i - 1] ?? "");
  if (!refusedAnywhere.test(c)) return true;
  // Joiners shape Persian and Indic words and emoji sequences: only between two such characters.
  if (c === zeroWidthNonJoiner || c === zeroWidthJoiner) {
    return joinable.test(chars[i - 1] ?? "") && joinable.test(chars[i + 1] ?? "");
  }
  return false;
}

function hasForbiddenCharacter(chars: string[]): boolean {
  for (let i = 0; i < chars.length; i++) {
    const flag = tagSequenceLength(chars, i);
    if (flag > 0) {
      i += flag - 1;
      continue;
    }
    if (!permittedAt(chars, i)) return true;
  }
  return false;
}

/** A character that shows as something: not a space, a lone mark or a letter that draws nothing. */
export function isVisible(c: string): boolean {
  return !drawsNothing.test(c);
}

/** What is wrong with a name as the backend would judge it, or null when it would be accepted. */
export function displayNameProblem(value: string): NameProblem | null {
  const name = trimWhiteSpace(value);
  if (name === "") return { code: "required", message: "Enter your name." };
  const chars = Array.from(name);
  if (chars.length > maxNameLength) {
    return {
      code: "too_long",
      message: `Shorten your name to at most ${maxNameLength} characters (it has ${chars.length}).`,
    };
  }
  if (hasForbiddenCharacter(chars)) {
    return {
      code: "invalid_characters",
      message: "Remove invisible or control characters from your name.",
    };
  }
  if (!chars.some(isVisible)) {
    return {
      code: "invalid_characters",
      message: "Your name needs at least one letter, digit or other visible character.",
    };
  }
  return null;
}
