/**
 * OCR text as an engine returns it → text the field parsers understand. Engines space out figures
 * ("￥ 1 2 3 . 0 0"), use full-width forms, and confuse O/0 and l/I/1 inside numbers; labels come apart
 * ("合 计"). Pure string work, no engine in sight.
 */

// Letters an engine reads in place of a digit, mapped only inside a run that is otherwise a number.
const DIGIT_LOOKALIKES: Record<string, string> = { O: "0", o: "0", I: "1", l: "1", "|": "1" };
const LOOKALIKE_CLASS = "OoIl|";
const NUMBERISH = new RegExp(`(?<![A-Za-z])[0-9${LOOKALIKE_CLASS}][0-9${LOOKALIKE_CLASS}.,:/\\-]*[0-9${LOOKALIKE_CLASS}](?![A-Za-z])`, "g");

function fixLookalikes(run: string): string {
  const digits = (run.match(/\d/g) ?? []).length;
  const lookalikes = run.length - digits - (run.match(/[.,:/-]/g) ?? []).length;
  // "2O26-11-O3", "12l.50" are numbers with a misread; "OK", "ID" or a lone "l" are not.
  if (lookalikes === 0 || digits < 2 || lookalikes > digits) return run;
  return run.replace(new RegExp(`[${LOOKALIKE_CLASS}]`, "g"), (c) => DIGIT_LOOKALIKES[c] ?? c);
}

/** "1 2 3 . 0 0" → "123.00": a run of at least three single figures separated by single spaces. */
function joinSpacedFigures(s: string): string {
  return s.replace(/(?<![\d.,])(?:[\d.,] ){2,}[\d.,](?![\d.,])/g, (run) => run.replace(/ /g, ""));
}

export function normaliseOcrText(text: string): string {
  let s = text.normalize("NFKC"); // full-width digits, colon, parentheses; ￥ becomes ¥
  s = s.replace(/[\u3000\t]/g, " ").replace(/ {2,}/g, " ").trim();
  s = joinSpacedFigures(s);
  s = s.replace(/(\d) ?([.,]) ?(\d{2})(?!\d)/g, "$1$2$3"); // "29. 00", "29 .00"
  s = s.replace(/([¥$€£]) +(?=\d)/g, "$1"); // "¥ 29.00"
  s = s.replace(NUMBERISH, fixLookalikes);
  return s;
}
