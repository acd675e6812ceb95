/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from
 * 0-9 A-H J-N P-R T-U W-Y (no I, O, S, V, Z); the 18th is a check character, modulo 31 over the first 17
 * with weights 3^i mod 31.
 */
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters, or null if one is outside the alphabet. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Upper-cased, spaces removed; the code itself is not checked. */
export function normaliseUscc(text: string): string {
  return text.replace(/[\s-]/g, "").toUpperCase();
}

export function isValidUscc(text: string): boolean {
  const code = normaliseUscc(text);
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  return usccCheckChar(code.slice(0, 17)) === code[17];
}

/** Every valid code in a text (OCR lines, an XML field). */
export function findUsccs(text: string): string[] {
  const found: string[] = [];
  for (const m of text.toUpperCase().matchAll(/(?<![0-9A-Z])[0-9A-HJ-NP-RTUW-Y]{18}(?![0-9A-Z])/g)) {
    if (isValidUscc(m[0])) found.push(m[0]);
  }
  return found;
}
