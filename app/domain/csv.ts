/** CSV as spreadsheets and bank import screens read it: one way, for every export. */

/** One cell: quoted when it holds a quote, comma or line break; a leading = + - @ is prefixed with ' so Excel never runs it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows joined with CRLF (RFC 4180), ending with one. */
export function csvText(rows: readonly (readonly string[])[]): string {
  return `${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
