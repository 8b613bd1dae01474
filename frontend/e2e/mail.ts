// The mail the backend sent during the run: scripts/e2e.sh starts a mail catcher (aiosmtpd)
// that writes each message into the Maildir named by E2E_MAILDIR, as a file in its new/.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";

function maildir(): string {
  const dir = process.env.E2E_MAILDIR;
  if (!dir) throw new Error("E2E_MAILDIR is not set: run the suite with scripts/e2e.sh");
  return dir;
}

function recipients(mail: ParsedMail): string[] {
  const to: AddressObject[] = mail.to === undefined ? [] : [mail.to].flat();
  return to.flatMap((group) => group.value.map((a) => (a.address ?? "").toLowerCase()));
}

export type Mail = {
  parsed: ParsedMail;
  /** The text/plain part, decoded. */
  text: string;
  /** The text/html part, decoded. */
  html: string;
};

/** The subjects of the backend's mails (the site is named "Yoshikosan" in the run). */
export const subjects = {
  reset: "Reset your Yoshikosan password",
  verify: "Confirm your address for Yoshikosan",
  /** To the new address: its link moves the account there. */
  changeEmail: "Confirm your new address for Yoshikosan",
  /** To the address the account left, once it moved. */
  emailChanged: "Your address was changed (Yoshikosan)",
} as const;

/**
 * Which mails: those to an address, or to an address with one subject. One address gets mail of
 * several kinds (a registration's verification mail, then a reset's), sent in no set order.
 */
export type MailQuery = string | { to: string; subject: string };

/** The mails `query` names, oldest first (by when the catcher wrote them). */
async function mailsTo(query: MailQuery): Promise<Mail[]> {
  const { to: address, subject } = typeof query === "string" ? { to: query } : query;
  const dir = join(maildir(), "new");
  const found: { at: number; mail: Mail }[] = [];
  for (const file of await readdir(dir)) {
    // Parsed as a person's mail client would: MIME parts, quoted-printable and base64 decoded.
    // No text made up from HTML, or HTML from text: each part is only what the mail has.
    const parsed = await simpleParser(await readFile(join(dir, file)), {
      skipHtmlToText: true,
      skipTextToHtml: true,
    });
    if (!recipients(parsed).includes(address.toLowerCase())) continue;
    if (subject !== undefined && parsed.subject !== subject) continue;
    found.push({
      at: (await stat(join(dir, file))).mtimeMs,
      mail: {
        parsed,
        text: parsed.text ?? "",
        html: typeof parsed.html === "string" ? parsed.html : "",
      },
    });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.mail);
}

/**
 * The newest mail `query` names beyond the `seen` first ones (the mails it had before), waiting
 * up to `timeoutMs` for the backend's sender to deliver it.
 */
export async function waitForMail(query: MailQuery, seen = 0, timeoutMs = 15_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(query);
    const newest = mails.length > seen ? mails[mails.length - 1] : undefined;
    if (newest) return newest;
    if (Date.now() > deadline)
      throw new Error(`no mail (${JSON.stringify(query)}) within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many mails `query` names so far. */
export async function mailCount(query: MailQuery): Promise<number> {
  return (await mailsTo(query)).length;
}

/** Every `http(s)://…/<page>#…` link of a part, in order. */
function linksTo(page: string, part: string): string[] {
  const link = new RegExp(`https?://[^\\s"'<>]+/${page}#[^\\s"'<>]+`, "g");
  return [...part.matchAll(link)].map((m) => m[0]);
}

/** Every `http(s)://…/reset-password#…` link of a part, in order. */
export function resetLinks(part: string): string[] {
  return linksTo("reset-password", part);
}

/** Every `http(s)://…/verify-email#…` link of a part, in order. */
export function verifyLinks(part: string): string[] {
  return linksTo("verify-email", part);
}

/** Every `http(s)://…/confirm-email#…` link of a part (a change of address), in order. */
export function confirmEmailLinks(part: string): string[] {
  return linksTo("confirm-email", part);
}
