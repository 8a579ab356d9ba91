/**
 * A plain mailbox address, `local@domain.tld`: no display name, no comments, no quoted
 * local part, nothing that could end a header line. Deliberately narrower than RFC 5322:
 * what a clinic writes in a setting, checked before anything is sent.
 */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** Whether `text` is a plain mailbox address (`someone@clinic.example`). */
export function isEmailAddress(text: string): boolean {
  return ADDRESS.test(text) && !text.startsWith('.') && !text.includes('..') && !text.split('@')[0]!.endsWith('.');
}

/** A sender: an address, optionally with a display name, as `Name <address>` or the address alone. */
export interface Mailbox {
  name: string | null;
  address: string;
}

/**
 * Parses a sender setting, `noreply@clinic.example` or `Clinic uploads <noreply@clinic.example>`;
 * null when it is neither. The name may not hold `<`, `>`, `"`, `\` or line breaks.
 */
export function parseMailbox(text: string): Mailbox | null {
  const trimmed = text.trim();
  if (isEmailAddress(trimmed)) return { name: null, address: trimmed };
  const match = /^([^<>"\\\r\n]*?)\s*<([^<>\s]+)>$/.exec(trimmed);
  if (!match || !isEmailAddress(match[2]!)) return null;
  const name = match[1]!.trim();
  return { name: name === '' ? null : name, address: match[2]! };
}
