/**
 * Intl formatters, made once per (locale, options) and reused. Building an Intl.DateTimeFormat,
 * NumberFormat or ListFormat loads locale data and costs far more than formatting with it: at month-end
 * load the web process spent ~8 % of its CPU constructing formatters for every date and amount on every
 * page (`npm run bench:load` with BENCH_WEB_NODE_ARGS="--cpu-prof"). The caches are bounded: a locale
 * string the app did not expect cannot grow them without limit.
 */
const MAX_ENTRIES = 256;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    value = make();
    cache.set(key, value);
  }
  return value;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();
const listFormats = new Map<string, Intl.ListFormat>();

export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cached(dateTimeFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  return cached(numberFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options));
}

export function listFormat(locale: string, options: Intl.ListFormatOptions = {}): Intl.ListFormat {
  return cached(listFormats, `${locale}\u0000${JSON.stringify(options)}`, () => new Intl.ListFormat(locale, options));
}
