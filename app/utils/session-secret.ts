/**
 * Is a session secret strong enough for production? At least 32 bytes of randomness: 64+ hex digits,
 * 43+ base64 characters, or a longer passphrase; never a placeholder. Decided from the text alone, so a
 * weak value stops the web server before it serves anyone.
 */
export type SecretVerdict = { ok: true } | { ok: false; reason: string };

const PLACEHOLDER = /(change[-_ ]?me|secret|password|example|default|dev[-_]only|test)/i;

export function checkSessionSecret(secret: string | undefined): SecretVerdict {
  if (!secret) return { ok: false, reason: "SESSION_SECRET is not set" };
  const s = secret.trim();
  const distinct = new Set(s).size;
  const isHex = /^[0-9a-f]+$/i.test(s);
  // Hex digits are base64 characters too, but carry only 4 bits each.
  const hexBytes = isHex ? Math.floor(s.length / 2) : 0;
  const base64Bytes = !isHex && /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) ? Math.floor((s.replace(/=+$/, "").length * 6) / 8) : 0;
  const passphrase = !isHex && base64Bytes === 0 && s.length >= 48;
  const bytes = Math.max(hexBytes, base64Bytes, passphrase ? 32 : 0);
  if (bytes < 32) return { ok: false, reason: "SESSION_SECRET is shorter than 32 random bytes (make one with: head -c 32 /dev/urandom | base64)" };
  if (distinct < 12 || PLACEHOLDER.test(s)) return { ok: false, reason: "SESSION_SECRET does not look random (make one with: head -c 32 /dev/urandom | base64)" };
  return { ok: true };
}
