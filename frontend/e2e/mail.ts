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

/** The mails to `address`, oldest first (by when the catcher wrote them). */
async function mailsTo(address: string): Promise<Mail[]> {
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
 * The newest mail to `address` beyond the `seen` first ones (the mails it had before), waiting
 * up to `timeoutMs` for the backend's sender to deliver it.
 */
export async function waitForMail(address: string, seen = 0, timeoutMs = 15_000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = await mailsTo(address);
    const newest = mails.length > seen ? mails[mails.length - 1] : undefined;
    if (newest) return newest;
    if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** How many mails `address` has had so far. */
export async function mailCount(address: string): Promise<number> {
  return (await mailsTo(address)).length;
}

/** Every `http(s)://…/reset-password#…` link of a part, in order. */
export function resetLinks(part: string): string[] {
  return [...part.matchAll(/https?:\/\/[^\s"'<>]+\/reset-password#[^\s"'<>]+/g)].map((m) => m[0]);
}
