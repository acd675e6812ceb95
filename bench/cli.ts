/** `--name value` from the command line, or undefined when the option is absent. */
export function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** `--name N` from the command line: a number > 0 (a whole one with `whole`), or `fallback` when the option is absent. */
export function positiveArg(name: string, fallback: number, { whole = false }: { whole?: boolean } = {}): number {
  const raw = stringArg(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) throw new Error(`--${name} must be a positive ${whole ? "whole " : ""}number`);
  return value;
}
