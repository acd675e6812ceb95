/**
 * Synthetic receipt images for the demo seed, tests and benchmarks.
 *
 * Every receipt is laid out as SVG at a nominal size, then composed into a
 * "scene" (a photo on a desk, or a flatbed scan) and rasterised once by sharp
 * (librsvg + pango, so the system CJK fonts render Chinese). All randomness
 * flows from a seed, so the same spec and seed give byte-identical output.
 */
import sharp from "sharp";
import { mulberry32 } from "~/domain/seeded-random";

export type ReceiptLang = "en" | "zh";
export type ReceiptKind = "till" | "invoice" | "taxi" | "hotel";
export type ReceiptItem = { name: string; qty: number; unitMinor: number };

export type ReceiptArtSpec = {
  merchant: string;
  merchantAddress?: string;
  date: string; // YYYY-MM-DD
  time?: string;
  currency: string;
  items: ReceiptItem[];
  totalMinor: number;
  taxId?: string;
  invoiceNo?: string;
  lang: ReceiptLang;
  kind: ReceiptKind;
};

type Rng = () => number;

// ───────────────────────────── randomness ─────────────────────────────

/** The seeded PRNG, re-exported for the seed scripts and fixtures that already import it from here. */
export { mulberry32 };

/** FNV-1a, to derive a per-receipt seed so two specs with the same seed still differ. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  const v = list[Math.floor(rng() * list.length)];
  if (v === undefined) throw new Error("pick() from an empty list");
  return v;
}

function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

function randDigits(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(rng() * 10));
  return s;
}

function shuffled<T>(rng: Rng, list: readonly T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a === undefined || b === undefined) continue;
    out[i] = b;
    out[j] = a;
  }
  return out;
}

// ───────────────────────────── money ─────────────────────────────

const SYMBOLS: Readonly<Record<string, string>> = {
  CNY: "¥", JPY: "¥", USD: "$", EUR: "€", GBP: "£", HKD: "HK$", SGD: "S$", AUD: "A$",
  CAD: "C$", KRW: "₩", TWD: "NT$", INR: "₹", THB: "฿", CHF: "CHF ",
};

const decimalsCache = new Map<string, number>();

/** Digits after the decimal point (JPY 0, CNY 2), from ICU like app/domain/money.ts. */
export function currencyDecimals(currency: string): number {
  const cached = decimalsCache.get(currency);
  if (cached !== undefined) return cached;
  let d = 2;
  try {
    d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    d = 2; // unknown code: a demo image should still render
  }
  decimalsCache.set(currency, d);
  return d;
}

/** "¥1,234.50" / "¥1,235" (JPY) from minor units; `symbol: false` gives the bare number for columns. */
export function formatAmount(minor: number, currency: string, symbol = true): string {
  const d = currencyDecimals(currency);
  const abs = Math.abs(Math.round(minor));
  const div = 10 ** d;
  const whole = Math.floor(abs / div).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const num = d > 0 ? `${whole}.${String(abs % div).padStart(d, "0")}` : whole;
  const sign = minor < 0 ? "-" : "";
  return `${sign}${symbol ? (SYMBOLS[currency] ?? `${currency} `) : ""}${num}`;
}

const CN_DIGITS = "零壹贰叁肆伍陆柒捌玖";

function cnSection(n: number): string {
  const units = ["", "拾", "佰", "仟"];
  let out = "";
  let pendingZero = false;
  for (let pos = 3; pos >= 0; pos--) {
    const d = Math.floor(n / 10 ** pos) % 10;
    if (d === 0) {
      if (out !== "") pendingZero = true;
      continue;
    }
    if (pendingZero) out += "零";
    pendingZero = false;
    out += CN_DIGITS.charAt(d) + (units[pos] ?? "");
  }
  return out;
}

function cnInteger(n: number): string {
  const sections = [n % 10000, Math.floor(n / 10000) % 10000, Math.floor(n / 1e8)];
  const sectionUnits = ["", "万", "亿"];
  let out = "";
  let gap = false;
  for (let i = 2; i >= 0; i--) {
    const sec = sections[i] ?? 0;
    if (sec === 0) {
      if (out !== "") gap = true;
      continue;
    }
    if (out !== "" && (gap || sec < 1000)) out += "零";
    out += cnSection(sec) + (sectionUnits[i] ?? "");
    gap = false;
  }
  return out;
}

/** 价税合计(大写): 10005.30 → "壹万零伍元叁角整", as printed on Chinese VAT invoices. */
export function chineseUppercaseAmount(minor: number): string {
  const yuan = Math.floor(minor / 100);
  const jiao = Math.floor(minor / 10) % 10;
  const fen = minor % 10;
  let out = cnInteger(yuan);
  if (yuan > 0) out += "元";
  if (jiao === 0 && fen === 0) return (out || "零元") + "整";
  if (jiao > 0) out += CN_DIGITS.charAt(jiao) + "角";
  else if (yuan > 0) out += "零";
  return out + (fen > 0 ? CN_DIGITS.charAt(fen) + "分" : "整");
}

const TAX_BY_CURRENCY: Readonly<Record<string, { rate: number; en: string }>> = {
  USD: { rate: 0.08875, en: "Sales Tax" },
  GBP: { rate: 0.2, en: "VAT" },
  EUR: { rate: 0.19, en: "VAT" },
  CHF: { rate: 0.081, en: "VAT" },
  JPY: { rate: 0.1, en: "Consumption Tax" },
  AUD: { rate: 0.1, en: "GST" },
  SGD: { rate: 0.09, en: "GST" },
  CAD: { rate: 0.13, en: "HST" },
  CNY: { rate: 0.06, en: "VAT" },
};

/** Chinese VAT rates depend on what was sold: transport 9%, services 6%, goods 13%. */
function zhTaxRate(spec: ReceiptArtSpec): number {
  // Invoices name the tax category in each line ("*运输服务*..."); slips only have the shop name.
  const text = spec.kind === "invoice" ? spec.items.map((i) => i.name).join("") : spec.merchant;
  if (spec.kind === "taxi" || /运输|航空|出行|出租|客运/.test(text)) return 0.09;
  if (spec.kind === "hotel" || /服务|餐|火锅|咖啡|住宿|酒店|麦当劳|肯德基|西贝|星巴克|喜茶|瑞幸|电信/.test(text)) return 0.06;
  return 0.13;
}

function taxFor(spec: ReceiptArtSpec): { rate: number; label: string } {
  if (spec.lang === "zh") return { rate: zhTaxRate(spec), label: "税额" };
  const t = TAX_BY_CURRENCY[spec.currency] ?? { rate: 0.1, en: "Tax" };
  return { rate: t.rate, label: t.en };
}

/** Prices on receipts include tax; the printed tax is the included share. */
function splitTax(grossMinor: number, rate: number): { net: number; tax: number } {
  const tax = Math.round((grossMinor * rate) / (1 + rate));
  return { net: grossMinor - tax, tax };
}

function lineTotal(item: ReceiptItem): number {
  return item.qty * item.unitMinor;
}

function formatRate(rate: number): string {
  return `${Number((rate * 100).toFixed(3))}%`;
}

// ───────────────────────────── text & svg helpers ─────────────────────────────

const SANS = "'Noto Sans CJK SC','Noto Sans','DejaVu Sans',sans-serif";
const SERIF = "'Noto Serif CJK SC','Noto Serif','DejaVu Serif',serif";
const MONO = "'Noto Sans Mono CJK SC','Noto Sans Mono','DejaVu Sans Mono',monospace";

const XML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;",
};

/** Escapes markup and drops control characters that are illegal even escaped in XML 1.0. */
export function escapeXml(s: string): string {
  let clean = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) continue;
    clean += XML_ENTITIES[ch] ?? ch;
  }
  return clean;
}

const n1 = (v: number): string => String(Math.round(v * 10) / 10);

type Anchor = "start" | "middle" | "end";
interface TextStyle {
  size: number;
  family?: string;
  anchor?: Anchor;
  bold?: boolean;
  fill?: string;
  spacing?: number;
}

function svgText(s: string, x: number, y: number, st: TextStyle): string {
  const attrs = [
    `x="${n1(x)}"`, `y="${n1(y)}"`, `font-size="${n1(st.size)}"`,
    st.family ? `font-family="${st.family}"` : "",
    st.anchor && st.anchor !== "start" ? `text-anchor="${st.anchor}"` : "",
    st.bold ? `font-weight="bold"` : "",
    st.fill ? `fill="${st.fill}"` : "",
    st.spacing ? `letter-spacing="${n1(st.spacing)}"` : "",
  ].filter(Boolean);
  return `<text ${attrs.join(" ")}>${escapeXml(s)}</text>`;
}

function svgLine(x1: number, y1: number, x2: number, y2: number, stroke: string, width: number): string {
  return `<line x1="${n1(x1)}" y1="${n1(y1)}" x2="${n1(x2)}" y2="${n1(y2)}" stroke="${stroke}" stroke-width="${n1(width)}"/>`;
}

function svgRect(x: number, y: number, w: number, h: number, attrs: string): string {
  return `<rect x="${n1(x)}" y="${n1(y)}" width="${n1(w)}" height="${n1(h)}" ${attrs}/>`;
}

const WIDE_RE = /[\u00b7\u00d7\u2014\u2026\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

/** Width in half-width columns: CJK glyphs take two cells in a CJK monospace font. */
function columns(s: string): number {
  let w = 0;
  for (const ch of s) w += WIDE_RE.test(ch) ? 2 : 1;
  return w;
}

/** Rough advance in ems for proportional fonts; good enough to wrap an address line. */
function ems(s: string): number {
  let w = 0;
  for (const ch of s) {
    if (WIDE_RE.test(ch)) w += 1;
    else if (/[A-Z0-9]/.test(ch)) w += 0.62;
    else if (ch === " ") w += 0.28;
    else w += 0.5;
  }
  return w;
}

/** Greedy wrap by a width function; CJK has no spaces so it may break between any two glyphs. */
function wrap(s: string, max: number, width: (t: string) => number): string[] {
  const lines: string[] = [];
  let cur = "";
  for (const token of s.match(/[\u2e80-\uffff]|[^\s\u2e80-\uffff]+|\s+/g) ?? []) {
    if (width(cur + token) > max && cur.trim() !== "") {
      lines.push(cur.trimEnd());
      cur = token.trimStart();
    } else cur += token;
  }
  if (cur.trim() !== "") lines.push(cur.trimEnd());
  return lines;
}

function truncateColumns(s: string, max: number): string {
  let out = "";
  for (const ch of s) {
    if (columns(out + ch) > max) break;
    out += ch;
  }
  return out;
}

function parseDate(date: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`receipt date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

function addDays(date: string, days: number): string {
  const d = parseDate(date);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function zhDate(date: string): string {
  const [y, m, d] = date.split("-");
  return `${y}年${m}月${d}日`;
}

function addMinutes(time: string, minutes: number): string {
  const [h = "0", m = "0"] = time.split(":");
  const total = (Number(h) * 60 + Number(m) + minutes) % 1440;
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

/** Local-looking phone number: Chinese area codes, UK/US formats by currency. */
function phoneFor(spec: ReceiptArtSpec, rng: Rng): string {
  if (spec.lang === "zh") return `${pick(rng, ["010", "021", "020", "0755", "023", "0571"])}-${randDigits(rng, 4)}${randDigits(rng, 4)}`;
  if (spec.currency === "GBP") return `020 ${randDigits(rng, 4)} ${randDigits(rng, 4)}`;
  if (spec.currency === "EUR") return `+49 30 ${randDigits(rng, 8)}`;
  return `(${randInt(rng, 201, 989)}) ${randDigits(rng, 3)}-${randDigits(rng, 4)}`;
}

const ZH_NAMES = ["王芳", "李强", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周婷", "吴昊"];
const EN_NAMES = ["John Smith", "Emily Chen", "Michael Brown", "Sarah Johnson", "David Lee", "Olivia Garcia", "James Wilson"];

function regionOf(address: string | undefined): { short: string; bureau: string; plate: string } {
  const a = address ?? "";
  const city = /^(北京|上海|天津|重庆)/.exec(a)?.[1];
  if (city) return { short: city, bureau: `${city}市税务局`, plate: { 北京: "京", 上海: "沪", 天津: "津", 重庆: "渝" }[city] ?? "京" };
  const prov = /^(.{2,3}?)省/.exec(a)?.[1];
  if (prov) return { short: prov, bureau: `${prov}省税务局`, plate: prov === "广东" ? "粤" : prov === "浙江" ? "浙" : "苏" };
  if (/^(深圳|广州)/.test(a)) return { short: "广东", bureau: "广东省税务局", plate: "粤" };
  return { short: "北京", bureau: "北京市税务局", plate: "京" };
}

// ───────────────────────────── decorations ─────────────────────────────

/** A Code-128-looking run of bars: real barcode fidelity is not the point, the look is. */
function barcode(x: number, y: number, w: number, h: number, rng: Rng, ink: string): string {
  const widths: number[] = [2, 1, 1, 2, 3, 1];
  while (widths.reduce((a, b) => a + b, 0) < 180) widths.push(randInt(rng, 1, 4));
  widths.push(2, 3, 3, 1, 1, 1, 2);
  const module = w / widths.reduce((a, b) => a + b, 0);
  let cx = x;
  const bars: string[] = [];
  widths.forEach((mw, i) => {
    if (i % 2 === 0) bars.push(`M${n1(cx)} ${n1(y)}h${n1(mw * module)}v${n1(h)}h${n1(-mw * module)}z`);
    cx += mw * module;
  });
  return `<path d="${bars.join("")}" fill="${ink}"/>`;
}

/** QR-like block: three finder squares, timing rows and random data modules. */
function qrBlock(x: number, y: number, size: number, rng: Rng, ink: string): string {
  const n = 25;
  const m = size / n;
  const finder = (r: number, c: number): boolean | undefined => {
    for (const [fr, fc] of [[0, 0], [0, n - 7], [n - 7, 0]] as const) {
      const dr = r - fr;
      const dc = c - fc;
      if (dr >= -1 && dr <= 7 && dc >= -1 && dc <= 7) {
        if (dr < 0 || dr > 6 || dc < 0 || dc > 6) return false;
        const ring = Math.min(dr, dc, 6 - dr, 6 - dc);
        return ring !== 1;
      }
    }
    return undefined;
  };
  let d = "";
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const f = finder(r, c);
      const on = f ?? (r === 6 || c === 6 ? (r + c) % 2 === 0 : rng() < 0.5);
      if (on) d += `M${n1(x + c * m)} ${n1(y + r * m)}h${n1(m + 0.3)}v${n1(m + 0.3)}h${n1(-m - 0.3)}z`;
    }
  }
  return `<path d="${d}" fill="${ink}"/>`;
}

/**
 * Parameter angles of `n` points spread evenly by arc length along an ellipse:
 * even angle steps would bunch glyphs up at the flat ends of a wide oval.
 */
function evenArcAngles(rx: number, ry: number, t0: number, t1: number, n: number): number[] {
  if (n <= 1) return [(t0 + t1) / 2];
  const steps = 400;
  const cumulative = [0];
  for (let i = 1; i <= steps; i++) {
    const t = t0 + ((t1 - t0) * (i - 0.5)) / steps;
    const speed = Math.hypot(rx * Math.sin(t), ry * Math.cos(t));
    cumulative.push((cumulative[i - 1] ?? 0) + (speed * (t1 - t0)) / steps);
  }
  const total = cumulative[steps] ?? 0;
  const out: number[] = [];
  let j = 0;
  for (let k = 0; k < n; k++) {
    const target = (total * k) / (n - 1);
    while (j < steps && (cumulative[j + 1] ?? total) < target) j++;
    out.push(t0 + ((t1 - t0) * j) / steps);
  }
  return out;
}

/**
 * An official-looking oval seal. librsvg has no textPath, so the arc text is
 * placed glyph by glyph, each rotated to face outwards.
 */
function sealOval(cx: number, cy: number, rx: number, ry: number, arcText: string, middle: readonly string[], color: string): string {
  const glyphs = [...arcText];
  const span = Math.min(205, 40 + glyphs.length * 14) * (Math.PI / 180);
  // Long company names shrink so neighbouring glyphs never touch (arc length ≈ span × mean radius).
  const size = Math.min(ry * 0.3, (span * (rx + ry) * 0.5 * 0.82) / Math.max(1, glyphs.length) / 1.05);
  const parts = [
    `<ellipse cx="${n1(cx)}" cy="${n1(cy)}" rx="${n1(rx)}" ry="${n1(ry)}" fill="none" stroke="${color}" stroke-width="${n1(ry * 0.07)}"/>`,
  ];
  const [ax, ay] = [rx - size * 0.95, ry - size * 0.95];
  const angles = evenArcAngles(ax, ay, -Math.PI / 2 - span / 2, -Math.PI / 2 + span / 2, glyphs.length);
  glyphs.forEach((g, i) => {
    const t = angles[i] ?? -Math.PI / 2;
    const gx = cx + ax * Math.cos(t);
    const gy = cy + ay * Math.sin(t);
    const deg = (Math.atan2(rx * Math.sin(t), ry * Math.cos(t)) * 180) / Math.PI + 90;
    // librsvg ignores dominant-baseline, so drop the baseline by ~0.35em to centre the glyph on the arc.
    parts.push(
      `<text transform="translate(${n1(gx)} ${n1(gy)}) rotate(${n1(deg)})" y="${n1(size * 0.36)}" font-size="${n1(size)}" font-family="${SANS}" font-weight="bold" text-anchor="middle" fill="${color}">${escapeXml(g)}</text>`,
    );
  });
  middle.forEach((line, i) => {
    const latin = !WIDE_RE.test(line);
    // Latin (a tax ID) is squeezed to fit the oval's waist; CJK lines keep the arc's size.
    const sz = latin ? Math.min(size * 0.8, (rx * 1.2) / Math.max(1, ems(line))) : size * 0.95;
    parts.push(svgText(line, cx, cy + ry * (i === 0 ? 0.12 : 0.12 + 0.42 * i) + sz * 0.35, { size: sz, family: SANS, anchor: "middle", bold: !latin, fill: color }));
  });
  return `<g opacity="0.82">${parts.join("")}</g>`;
}

// ───────────────────────────── layouts ─────────────────────────────

/** A laid-out receipt in its own coordinate space; scenes place and scale it. */
interface Paper {
  width: number;
  height: number;
  body: string;
  color: string;
  torn: boolean;
}

const SLIP_LABELS = {
  en: {
    date: "Date", time: "Time", receipt: "Receipt #", cashier: "Cashier", item: "Item", qty: "Qty", price: "Price",
    amount: "Amount", count: "Items", subtotal: "Subtotal (excl. tax)", total: "TOTAL", change: "Change", tendered: "Cash",
    thanks: "Thank you! Please come again.", returns: "Returns within 30 days with receipt", scan: "Scan for e-receipt",
    taxId: "Tax ID", tel: "Tel", trip: "TRIP RECEIPT", vehicle: "Vehicle", driver: "Driver #", pickup: "Pick-up",
    dropoff: "Drop-off", distance: "Distance", duration: "Duration", table: "Table", guests: "Guests",
  },
  zh: {
    date: "日期", time: "时间", receipt: "单号", cashier: "收银员", item: "品名", qty: "数量", price: "单价",
    amount: "金额", count: "件数", subtotal: "小计(不含税)", total: "合计", change: "找零", tendered: "现金",
    thanks: "谢谢惠顾 欢迎再次光临", returns: "请妥善保管小票 30日内凭票退换", scan: "扫码开具电子发票",
    taxId: "税号", tel: "电话", trip: "乘车凭证", vehicle: "车号", driver: "司机工号", pickup: "上车",
    dropoff: "下车", distance: "里程", duration: "时长", table: "桌号", guests: "人数",
  },
} as const;

/** Writes monospaced lines top-down, like a thermal printer head. */
class SlipWriter {
  readonly parts: string[] = [];
  y: number;
  readonly cw: number;

  constructor(
    readonly left: number,
    readonly cols: number,
    readonly size: number,
    readonly ink: string,
  ) {
    this.cw = size * 0.5; // Noto Sans Mono CJK: Latin cells are exactly half an em
    this.y = left + size * 1.2;
  }

  get right(): number {
    return this.left + this.cols * this.cw;
  }

  at(col: number): number {
    return this.left + col * this.cw;
  }

  gap(lines: number): void {
    this.y += this.size * 1.3 * lines;
  }

  put(s: string, x: number, anchor: Anchor, scale = 1, bold = false): void {
    this.parts.push(svgText(s, x, this.y, { size: this.size * scale, anchor, bold }));
  }

  line(left: string, right = "", scale = 1, bold = false): void {
    if (scale !== 1) this.y += this.size * (scale - 1) * 0.9;
    this.put(left, this.left, "start", scale, bold);
    if (right) this.put(right, this.right, "end", scale, bold);
    this.gap(scale === 1 ? 1 : 1 + (scale - 1) * 0.4);
  }

  center(s: string, scale = 1, bold = false): void {
    for (const l of wrap(s, this.cols / scale, columns)) {
      if (scale !== 1) this.y += this.size * (scale - 1) * 0.9;
      this.put(l, (this.left + this.right) / 2, "middle", scale, bold);
      this.gap(1);
    }
  }

  rule(ch = "-"): void {
    this.put(ch.repeat(this.cols), this.left, "start");
    this.gap(1);
  }

  /** Label left, value right; falls back to two lines when they would collide. */
  pairs(a: string, b: string): void {
    if (columns(a) + columns(b) + 1 <= this.cols) this.line(a, b);
    else {
      this.line(a);
      this.line("", b);
    }
  }
}

interface SlipContext {
  spec: ReceiptArtSpec;
  rng: Rng;
  labels: (typeof SLIP_LABELS)["en"] | (typeof SLIP_LABELS)["zh"];
  w: SlipWriter;
}

function slipHeader({ spec, rng, labels, w }: SlipContext): void {
  w.center(spec.merchant, spec.lang === "zh" ? 1.45 : 1.35, true);
  if (spec.kind === "taxi") w.center(labels.trip, 1.1, true);
  w.gap(0.2);
  if (spec.merchantAddress) w.center(spec.merchantAddress);
  w.center(`${labels.tel}: ${phoneFor(spec, rng)}`);
  if (spec.taxId) w.center(`${labels.taxId}: ${spec.taxId}`);
  w.rule("=");
}

function slipMeta(ctx: SlipContext): void {
  const { spec, rng, labels, w } = ctx;
  const time = spec.time ?? "12:00";
  w.pairs(`${labels.date}: ${spec.date}`, `${labels.time}: ${time}:${String(randInt(rng, 0, 59)).padStart(2, "0")}`);
  if (spec.kind === "taxi") {
    const plate = spec.lang === "zh" ? `${regionOf(spec.merchantAddress).plate}B·${pick(rng, ["T", "D", "Q"])}${randDigits(rng, 4)}` : `TX ${randDigits(rng, 4)}`;
    // Keep the trip facts consistent with the fare lines when there are any.
    const distItem = spec.items.find((i) => /里程|Distance|mile/i.test(i.name));
    const timeItem = spec.items.find((i) => /时长|Time/.test(i.name));
    const minutes = timeItem?.qty ?? randInt(rng, 9, 48);
    const dist = distItem ? `${distItem.qty}.${randInt(rng, 0, 9)}` : (minutes * (0.35 + rng() * 0.3)).toFixed(1);
    w.pairs(`${labels.vehicle}: ${plate}`, `${labels.driver}: ${randDigits(rng, 6)}`);
    w.pairs(`${labels.pickup}: ${time}`, `${labels.dropoff}: ${addMinutes(time, minutes)}`);
    w.pairs(`${labels.distance}: ${dist} ${spec.lang === "zh" || spec.currency !== "USD" ? "km" : "mi"}`, `${labels.duration}: ${minutes} min`);
  } else {
    w.pairs(`${labels.receipt}: ${spec.invoiceNo ?? randDigits(rng, 10)}`, `${labels.cashier}: ${randDigits(rng, 2)}`);
    if (/火锅|西贝|餐|Grill|Kitchen|Restaurant/i.test(spec.merchant)) {
      w.pairs(`${labels.table}: ${randInt(rng, 1, 40)}`, `${labels.guests}: ${randInt(rng, 2, 6)}`);
    }
  }
  w.rule();
}

function slipItems({ spec, labels, w }: SlipContext): void {
  // Right edges of the qty / unit price / amount columns, in character cells.
  const amtEnd = w.cols;
  const unitEnd = w.cols - 10;
  const qtyEnd = w.cols - 19;
  const numbers = (qty: string, unit: string, amount: string): void => {
    w.put(qty, w.at(qtyEnd), "end");
    w.put(unit, w.at(unitEnd), "end");
    w.put(amount, w.at(amtEnd), "end");
  };
  w.put(labels.item, w.left, "start");
  numbers(labels.qty, labels.price, labels.amount);
  w.gap(1);
  for (const item of spec.items) {
    const inline = columns(item.name) <= qtyEnd - String(item.qty).length - 1;
    // Long names get their own line(s), with the numbers underneath, as POS printers do.
    if (inline) w.put(item.name, w.left, "start");
    else for (const l of wrap(item.name, w.cols, columns).slice(0, 2)) w.line(l);
    numbers(`${item.qty}`, formatAmount(item.unitMinor, spec.currency, false), formatAmount(lineTotal(item), spec.currency, false));
    w.gap(1);
  }
  w.rule();
}

function slipTotals({ spec, rng, labels, w }: SlipContext): void {
  const { rate, label } = taxFor(spec);
  const { net, tax } = splitTax(spec.totalMinor, rate);
  const money = (m: number): string => formatAmount(m, spec.currency, false);
  if (spec.kind === "till") w.pairs(`${labels.count}: ${spec.items.reduce((a, i) => a + i.qty, 0)}`, "");
  w.pairs(labels.subtotal, money(net));
  w.pairs(`${label} ${formatRate(rate)}`, money(tax));
  w.line(labels.total, formatAmount(spec.totalMinor, spec.currency), 1.35, true);
  const cash = rng() < 0.25;
  if (cash) {
    const step = 10 ** currencyDecimals(spec.currency) * (spec.currency === "JPY" || spec.currency === "KRW" ? 1000 : 10);
    const tendered = Math.ceil(spec.totalMinor / step) * step;
    w.pairs(labels.tendered, money(tendered));
    w.pairs(labels.change, money(tendered - spec.totalMinor));
  } else {
    const card = spec.lang === "zh"
      ? pick(rng, ["微信支付", "支付宝", `银联卡 ****${randDigits(rng, 4)}`])
      : `${pick(rng, ["VISA", "MASTERCARD", "AMEX"])} ****${randDigits(rng, 4)}`;
    w.pairs(card, money(spec.totalMinor));
    if (spec.lang === "en") w.pairs(`AUTH ${randDigits(rng, 6)}`, "APPROVED");
  }
  w.rule();
}

function slipFooter({ spec, rng, labels, w }: SlipContext): void {
  const useQr = spec.lang === "zh" ? rng() < 0.8 : rng() < 0.2;
  const mid = (w.left + w.right) / 2;
  w.gap(0.3);
  if (useQr) {
    const size = w.cw * 14;
    w.parts.push(qrBlock(mid - size / 2, w.y - w.size * 0.8, size, rng, w.ink));
    w.y += size + w.size * 0.4;
    w.center(labels.scan);
  } else {
    const h = w.size * 2.6;
    w.parts.push(barcode(w.left + w.cw * 2, w.y - w.size * 0.8, w.cols * w.cw - w.cw * 4, h, rng, w.ink));
    w.y += h + w.size * 0.5;
    w.center(randDigits(rng, 13).replace(/(\d{4})(?=\d)/g, "$1 "));
  }
  w.gap(0.3);
  w.center(labels.thanks);
  if (spec.kind === "till") w.center(labels.returns);
}

/** Narrow thermal slip for 'till' and 'taxi'. */
function layoutSlip(spec: ReceiptArtSpec, rng: Rng): Paper {
  const cols = spec.kind === "taxi" ? 32 : 40;
  const width = 600;
  const margin = width * 0.055;
  const size = ((width - 2 * margin) / cols) * 2;
  const ink = "#26262e";
  const w = new SlipWriter(margin, cols, size, ink);
  const ctx: SlipContext = { spec, rng, labels: SLIP_LABELS[spec.lang], w };
  slipHeader(ctx);
  slipMeta(ctx);
  slipItems(ctx);
  slipTotals(ctx);
  slipFooter(ctx);
  const body = `<g font-family="${MONO}" fill="${ink}">${w.parts.join("")}</g>`;
  return { width, height: w.y + margin * 1.5, body, color: "#f6f5ef", torn: true };
}

// ───── zh VAT invoice (增值税电子普通发票) ─────

interface Cell {
  x: number;
  anchor: Anchor;
}

const ZH_COLS = {
  name: { x: 38, anchor: "start" },
  spec: { x: 355, anchor: "middle" },
  unit: { x: 425, anchor: "middle" },
  qty: { x: 522, anchor: "end" },
  price: { x: 633, anchor: "end" },
  amount: { x: 762, anchor: "end" },
  rate: { x: 800, anchor: "middle" },
  tax: { x: 960, anchor: "end" },
} as const satisfies Record<string, Cell>;

/** Trailing-zero-trimmed unit price with up to 8 decimals, as the tax-control software prints it. */
function invoiceUnitPrice(netMinor: number, qty: number, currency: string): string {
  const major = netMinor / qty / 10 ** currencyDecimals(currency);
  return major.toFixed(8).replace(/0+$/, "").replace(/\.$/, "");
}

function zhPartyBlock(
  top: number, label: string, rows: readonly [string, string][], sideLabel: string, side: readonly string[], c: { brown: string; ink: string },
): string {
  const h = 112;
  const parts: string[] = [];
  const stack = (chars: string, x: number): void => {
    const glyphs = [...chars];
    glyphs.forEach((g, i) => parts.push(svgText(g, x, top + h / 2 + (i - (glyphs.length - 1) / 2) * 24 + 7, { size: 17, anchor: "middle", fill: c.brown })));
  };
  stack(label, 48);
  stack(sideLabel, 618);
  parts.push(svgLine(66, top, 66, top + h, c.brown, 1.6), svgLine(600, top, 600, top + h, c.brown, 1.6), svgLine(636, top, 636, top + h, c.brown, 1.6));
  rows.forEach(([k, v], i) => {
    const y = top + 24 + i * 26;
    parts.push(svgText(k, 76, y, { size: 15, fill: c.brown }), svgText(v, 196, y, { size: 15, fill: c.ink }));
  });
  side.forEach((l, i) => parts.push(svgText(l, 644, top + 26 + i * 25, { size: 16, family: MONO, fill: c.ink })));
  return parts.join("");
}

function zhItemRows(spec: ReceiptArtSpec, top: number, rate: number, ink: string): { svg: string; net: number; tax: number } {
  let net = 0;
  let tax = 0;
  const parts = spec.items.map((item, i) => {
    const y = top + 26 + i * 25;
    const split = splitTax(lineTotal(item), rate);
    net += split.net;
    tax += split.tax;
    const cell = (s: string, c: Cell): string => svgText(s, c.x, y, { size: 15, anchor: c.anchor, fill: ink });
    return [
      cell(truncateColumns(item.name, 34), ZH_COLS.name),
      cell(item.qty > 1 ? "次" : "", ZH_COLS.unit),
      cell(String(item.qty), ZH_COLS.qty),
      cell(invoiceUnitPrice(split.net, item.qty, spec.currency), ZH_COLS.price),
      cell(formatAmount(split.net, spec.currency, false).replace(/,/g, ""), ZH_COLS.amount),
      cell(formatRate(rate), ZH_COLS.rate),
      cell(formatAmount(split.tax, spec.currency, false).replace(/,/g, ""), ZH_COLS.tax),
    ].join("");
  });
  return { svg: parts.join(""), net, tax };
}

function layoutInvoiceZh(spec: ReceiptArtSpec, rng: Rng): Paper {
  const c = { brown: "#a44a32", ink: "#1d2233", red: "#d7261e" };
  const region = regionOf(spec.merchantAddress);
  const rate = zhTaxRate(spec);
  const L = 30;
  const R = 970;
  const parts: string[] = [];
  // Header: supervision seal behind the title, codes on the right.
  parts.push(sealOval(500, 104, 76, 48, "全国统一发票监制章", ["国家税务总局", region.bureau], c.red));
  parts.push(svgText(`${region.short}增值税电子普通发票`, 500, 66, { size: 34, family: SERIF, anchor: "middle", bold: true, fill: c.brown, spacing: 3 }));
  parts.push(svgLine(320, 80, 680, 80, c.brown, 1.5), svgLine(320, 85, 680, 85, c.brown, 1.5));
  const head: [string, string][] = [
    ["发票代码:", `0${randDigits(rng, 2)}00${randDigits(rng, 7)}`],
    ["发票号码:", spec.invoiceNo ?? randDigits(rng, 8)],
    ["开票日期:", zhDate(spec.date)],
    ["校 验 码:", `${randDigits(rng, 5)} ${randDigits(rng, 5)} ${randDigits(rng, 5)} ${randDigits(rng, 5)}`],
  ];
  head.forEach(([k, v], i) => parts.push(svgText(k, 720, 44 + i * 27, { size: 15, fill: c.brown }), svgText(v, 796, 44 + i * 27, { size: 15, fill: c.ink })));
  parts.push(svgText("机器编号:", L + 8, 150, { size: 15, fill: c.brown }), svgText(randDigits(rng, 12), L + 86, 150, { size: 15, fill: c.ink }));

  const top = 165;
  const cipher = Array.from({ length: 4 }, () => Array.from({ length: 36 }, () => pick(rng, [..."0123456789+-*/<>"])).join(""));
  const buyer = pick(rng, ZH_BUYERS);
  parts.push(zhPartyBlock(top, "购买方", [["名　　　　称:", buyer.name], ["纳税人识别号:", buyer.taxId], ["地 址、电 话:", ""], ["开户行及账号:", ""]], "密码区", cipher, c));

  const headTop = top + 112;
  const headerRow: [string, Cell][] = [
    ["货物或应税劳务、服务名称", { x: 170, anchor: "middle" }], ["规格型号", ZH_COLS.spec], ["单 位", ZH_COLS.unit],
    ["数 量", { x: 490, anchor: "middle" }], ["单 价", { x: 585, anchor: "middle" }], ["金 额", { x: 705, anchor: "middle" }],
    ["税率", ZH_COLS.rate], ["税 额", { x: 900, anchor: "middle" }],
  ];
  for (const [label, cell] of headerRow) parts.push(svgText(label, cell.x, headTop + 21, { size: 15, anchor: cell.anchor, fill: c.brown }));
  const rowsTop = headTop + 28;
  const rowsH = Math.max(150, spec.items.length * 25 + 55);
  const rows = zhItemRows(spec, rowsTop, rate, c.ink);
  parts.push(rows.svg);
  const sumY = rowsTop + rowsH - 12;
  parts.push(svgText("合　　　计", 170, sumY, { size: 15, anchor: "middle", fill: c.brown }));
  parts.push(svgText(formatAmount(rows.net, spec.currency).replace(/,/g, ""), ZH_COLS.amount.x, sumY, { size: 15, anchor: "end", fill: c.ink }));
  parts.push(svgText(formatAmount(rows.tax, spec.currency).replace(/,/g, ""), ZH_COLS.tax.x, sumY, { size: 15, anchor: "end", fill: c.ink }));
  for (const x of [310, 400, 450, 530, 640, 770, 830]) parts.push(svgLine(x, headTop, x, rowsTop + rowsH, c.brown, 1));

  const wordsTop = rowsTop + rowsH;
  const words = spec.currency === "CNY" ? chineseUppercaseAmount(spec.totalMinor) : formatAmount(spec.totalMinor, spec.currency);
  parts.push(svgText("价税合计（大写）", 170, wordsTop + 24, { size: 15, anchor: "middle", fill: c.brown }));
  parts.push(svgText(`⊗ ${words}`, 330, wordsTop + 24, { size: 16, fill: c.ink }));
  parts.push(svgText("（小写）", 690, wordsTop + 24, { size: 15, fill: c.brown }), svgText(formatAmount(spec.totalMinor, spec.currency).replace(/,/g, ""), 760, wordsTop + 24, { size: 16, fill: c.ink }));
  parts.push(svgLine(310, wordsTop, 310, wordsTop + 36, c.brown, 1));

  const sellerTop = wordsTop + 36;
  const addressLine = `${spec.merchantAddress ?? ""} 0${randInt(rng, 10, 29)}-${randDigits(rng, 8)}`;
  parts.push(zhPartyBlock(sellerTop, "销售方", [
    ["名　　　　称:", spec.merchant], ["纳税人识别号:", spec.taxId ?? ""], ["地 址、电 话:", truncateColumns(addressLine, 50)],
    ["开户行及账号:", `${pick(rng, ["中国工商银行", "招商银行", "中国银行"])}${region.short}分行 ${randDigits(rng, 16)}`],
  ], "备注", spec.time ? [`开票时间 ${spec.time}`] : [], c));
  const bottom = sellerTop + 112;
  // The frame and horizontal rules go on last so they sit above the stamp-free area cleanly.
  parts.push(svgRect(L, top, R - L, bottom - top, `fill="none" stroke="${c.brown}" stroke-width="2.2"`));
  for (const y of [headTop, rowsTop, wordsTop, sellerTop]) parts.push(svgLine(L, y, R, y, c.brown, 1.6));

  const staff = shuffled(rng, ZH_NAMES);
  const foot: [string, string, number][] = [["收款人:", staff[0] ?? "", L + 20], ["复核:", staff[1] ?? "", 290], ["开票人:", staff[2] ?? "", 540], ["销售方:（章）", "", 780]];
  for (const [k, v, x] of foot) parts.push(svgText(k, x, bottom + 32, { size: 15, fill: c.brown }), svgText(v, x + ems(k) * 15 + 6, bottom + 32, { size: 15, fill: c.ink }));
  parts.push(sealOval(840, bottom - 18, 92, 60, spec.merchant, [spec.taxId ?? "", "发票专用章"], c.red));
  return { width: 1000, height: bottom + 80, body: `<g font-family="${SANS}">${parts.join("")}</g>`, color: "#fbfaf6", torn: false };
}

const ZH_BUYERS = [
  { name: "上海算盘工厂信息科技有限公司", taxId: "91310115MA1H7PX93K" },
  { name: "北京会计工厂科技有限公司", taxId: "91110108MA01CQ5R2L" },
  { name: "深圳市云账房网络科技有限公司", taxId: "91440300MA5DN8XQ4T" },
] as const;

// ───── en tax invoice (A4) ─────

function enInvoiceHeader(spec: ReceiptArtSpec, rng: Rng, accent: string, ink: string): string {
  const parts: string[] = [];
  parts.push(svgRect(0, 0, 1000, 14, `fill="${accent}"`));
  parts.push(svgText(spec.merchant, 70, 120, { size: 34, bold: true, fill: accent }));
  const address = wrap(spec.merchantAddress ?? "", 420, (s) => ems(s) * 16);
  address.forEach((l, i) => parts.push(svgText(l, 70, 156 + i * 22, { size: 16, fill: ink })));
  if (spec.taxId) parts.push(svgText(`VAT Reg. No: ${spec.taxId}`, 70, 156 + address.length * 22 + 6, { size: 16, fill: ink }));
  parts.push(svgText("INVOICE", 930, 120, { size: 52, anchor: "end", bold: true, fill: accent, spacing: 4 }));
  const meta: [string, string][] = [
    ["Invoice No.", spec.invoiceNo ?? `INV-${randDigits(rng, 6)}`],
    ["Invoice date", spec.date],
    ["Due date", addDays(spec.date, 30)],
    ["Customer ID", `C-${randDigits(rng, 5)}`],
  ];
  meta.forEach(([k, v], i) => {
    parts.push(svgText(k, 700, 166 + i * 25, { size: 16, fill: "#667" }), svgText(v, 930, 166 + i * 25, { size: 16, anchor: "end", fill: ink, bold: i === 0 }));
  });
  const buyer = pick(rng, EN_BUYERS);
  parts.push(svgText("BILL TO", 70, 300, { size: 15, bold: true, fill: "#667", spacing: 2 }));
  [buyer.name, ...buyer.address].forEach((l, i) => parts.push(svgText(l, 70, 328 + i * 23, { size: 17, fill: ink, bold: i === 0 })));
  return parts.join("");
}

const EN_BUYERS = [
  { name: "Accounting Factory Ltd", address: ["Attn: Accounts Payable", "12 Ledger Lane", "London EC2A 4NE"] },
  { name: "Northwind Traders Inc.", address: ["Finance Dept.", "4400 Market Street, Suite 210", "San Francisco, CA 94105"] },
] as const;

function enInvoiceTable(spec: ReceiptArtSpec, top: number, accent: string, ink: string): { svg: string; bottom: number } {
  const parts: string[] = [svgRect(70, top, 860, 40, `fill="${accent}"`)];
  const head: [string, number, Anchor][] = [["Description", 86, "start"], ["Qty", 600, "end"], ["Unit price", 760, "end"], ["Amount", 914, "end"]];
  for (const [h, x, a] of head) parts.push(svgText(h, x, top + 27, { size: 16, bold: true, fill: "#fff", anchor: a }));
  spec.items.forEach((item, i) => {
    const y = top + 40 + i * 42;
    if (i % 2 === 1) parts.push(svgRect(70, y, 860, 42, `fill="#eef1f6"`));
    const cells: [string, number, Anchor][] = [
      [item.name, 86, "start"], [String(item.qty), 600, "end"],
      [formatAmount(item.unitMinor, spec.currency), 760, "end"], [formatAmount(lineTotal(item), spec.currency), 914, "end"],
    ];
    for (const [s, x, a] of cells) parts.push(svgText(s, x, y + 28, { size: 17, fill: ink, anchor: a }));
  });
  const bottom = top + 40 + spec.items.length * 42;
  parts.push(svgLine(70, bottom, 930, bottom, "#99a", 1.2));
  return { svg: parts.join(""), bottom };
}

function layoutInvoiceEn(spec: ReceiptArtSpec, rng: Rng): Paper {
  const accent = pick(rng, ["#1f3b64", "#21574a", "#5a2a4a", "#333a44"]);
  const ink = "#1f2328";
  const height = 1414;
  const parts = [enInvoiceHeader(spec, rng, accent, ink)];
  const table = enInvoiceTable(spec, 440, accent, ink);
  parts.push(table.svg);
  const { rate, label } = taxFor(spec);
  const { net, tax } = splitTax(spec.totalMinor, rate);
  const totals: [string, string][] = [["Subtotal (net)", formatAmount(net, spec.currency)], [`${label} ${formatRate(rate)}`, formatAmount(tax, spec.currency)]];
  totals.forEach(([k, v], i) => parts.push(svgText(k, 640, table.bottom + 44 + i * 32, { size: 17, fill: "#556" }), svgText(v, 914, table.bottom + 44 + i * 32, { size: 17, anchor: "end", fill: ink })));
  const totalY = table.bottom + 140;
  parts.push(svgRect(620, totalY - 30, 310, 46, `fill="${accent}"`));
  parts.push(svgText("Total due", 640, totalY, { size: 20, bold: true, fill: "#fff" }), svgText(formatAmount(spec.totalMinor, spec.currency), 914, totalY, { size: 20, bold: true, anchor: "end", fill: "#fff" }));
  const notes = [
    "Payment terms: 30 days from invoice date.",
    `Bank transfer to: ${spec.merchant}  ·  IBAN GB${randDigits(rng, 2)} NWBK ${randDigits(rng, 4)} ${randDigits(rng, 4)} ${randDigits(rng, 4)} ${randDigits(rng, 2)}`,
    "Please quote the invoice number with your payment. Thank you for your business!",
  ];
  notes.forEach((l, i) => parts.push(svgText(l, 70, height - 170 + i * 26, { size: 15, fill: "#556" })));
  parts.push(svgLine(70, height - 80, 930, height - 80, "#ccd", 1), svgText(`${spec.merchant} · Registered in England & Wales No. ${randDigits(rng, 8)} · Page 1 of 1`, 500, height - 52, { size: 13, anchor: "middle", fill: "#889" }));
  if (rng() < 0.5) parts.push(paidStamp(780, table.bottom + 270, spec.date, rng));
  return { width: 1000, height, body: `<g font-family="${SANS}">${parts.join("")}</g>`, color: "#fdfdfb", torn: false };
}

function paidStamp(cx: number, cy: number, date: string, rng: Rng): string {
  const angle = -10 - rng() * 10;
  return `<g transform="translate(${cx} ${cy}) rotate(${n1(angle)})" opacity="0.72" fill="none" stroke="#c8231c">`
    + `<rect x="-120" y="-52" width="240" height="104" rx="14" stroke-width="6"/><rect x="-108" y="-40" width="216" height="80" rx="8" stroke-width="2"/>`
    + `${svgText("PAID", 0, 8, { size: 52, bold: true, anchor: "middle", fill: "#c8231c", spacing: 6 })}${svgText(date, 0, 32, { size: 15, anchor: "middle", fill: "#c8231c" })}</g>`;
}

// ───── hotel folio (A4, en / zh) ─────

const FOLIO_LABELS = {
  en: {
    title: "GUEST FOLIO", guest: "Guest", room: "Room", arrival: "Arrival", departure: "Departure", folio: "Folio No.",
    roomType: "Room type", cashier: "Cashier", printed: "Printed", date: "Date", desc: "Description", charges: "Charges", credits: "Credits",
    totalCharges: "Total charges", totalCredits: "Total credits", balance: "Balance due", types: ["King Deluxe", "Twin Superior", "Executive King"],
    signature: "Guest signature", thanks: "Thank you for staying with us. We look forward to welcoming you back.",
    taxNote: (rate: string) => `All rates are inclusive of ${rate} VAT.`, taxId: "Tax ID", tel: "Tel",
  },
  zh: {
    title: "宾客结账单", guest: "宾客姓名", room: "房号", arrival: "到店日期", departure: "离店日期", folio: "账单号",
    roomType: "房型", cashier: "收银员", printed: "打印时间", date: "日期", desc: "项目", charges: "消费", credits: "付款",
    totalCharges: "消费合计", totalCredits: "付款合计", balance: "余额", types: ["高级大床房", "商务双床房", "行政大床房"],
    signature: "宾客签名", thanks: "感谢您的光临，期待再次为您服务！",
    taxNote: (rate: string) => `以上费用均已包含${rate}增值税。`, taxId: "税号", tel: "电话",
  },
} as const;

interface FolioLine {
  date: string;
  desc: string;
  charge: number;
  credit: number;
}

/** Multi-night items become one line per night, as hotels post room charges nightly. */
function folioLines(spec: ReceiptArtSpec, arrival: string, payment: string): FolioLine[] {
  const lines: FolioLine[] = [];
  for (const item of spec.items) {
    if (item.qty > 1) {
      for (let n = 0; n < item.qty; n++) lines.push({ date: addDays(arrival, n), desc: item.name, charge: item.unitMinor, credit: 0 });
    } else lines.push({ date: addDays(spec.date, -1), desc: item.name, charge: item.unitMinor, credit: 0 });
  }
  lines.sort((a, b) => a.date.localeCompare(b.date));
  lines.push({ date: spec.date, desc: payment, charge: 0, credit: spec.totalMinor });
  return lines;
}

function layoutHotel(spec: ReceiptArtSpec, rng: Rng): Paper {
  const t = FOLIO_LABELS[spec.lang];
  const ink = "#23211f";
  const gold = "#8a6d3b";
  const nights = Math.max(1, ...spec.items.map((i) => i.qty));
  const arrival = addDays(spec.date, -nights);
  const parts: string[] = [];
  parts.push(svgText(spec.merchant, 500, 110, { size: 40, family: SERIF, anchor: "middle", bold: true, fill: gold }));
  parts.push(svgLine(330, 130, 670, 130, gold, 1.5));
  if (spec.merchantAddress) parts.push(svgText(spec.merchantAddress, 500, 162, { size: 16, anchor: "middle", fill: ink }));
  const tel = `${t.tel}: ${phoneFor(spec, rng)}${spec.taxId ? `  ·  ${t.taxId}: ${spec.taxId}` : ""}`;
  parts.push(svgText(tel, 500, 188, { size: 15, anchor: "middle", fill: "#555" }));
  parts.push(svgText(t.title, 500, 250, { size: 28, anchor: "middle", bold: true, fill: ink, spacing: spec.lang === "en" ? 6 : 10 }));
  const guest = spec.lang === "zh" ? pick(rng, ZH_NAMES) : pick(rng, EN_NAMES);
  const info: [string, string][] = [
    [t.guest, guest], [t.room, `${randInt(rng, 3, 28)}${String(randInt(rng, 1, 40)).padStart(2, "0")}`],
    [t.arrival, arrival], [t.departure, spec.date],
    [t.folio, spec.invoiceNo ?? randDigits(rng, 8)], [t.roomType, pick(rng, t.types)],
    [t.cashier, randDigits(rng, 3)], [t.printed, `${spec.date} ${spec.time ?? "11:00"}`],
  ];
  info.forEach(([k, v], i) => {
    const x = i % 2 === 0 ? 80 : 520;
    const y = 310 + Math.floor(i / 2) * 30;
    if (k) parts.push(svgText(`${k}:`, x, y, { size: 16, fill: "#666" }), svgText(v, x + 130, y, { size: 16, fill: ink, bold: i === 0 }));
  });
  const payment = spec.lang === "zh" ? pick(rng, ["银联卡 ****", "VISA ****", "支付宝 ", "微信支付 "]) : pick(rng, ["VISA ****", "MASTERCARD ****", "AMEX ****"]);
  const lines = folioLines(spec, arrival, payment.endsWith("*") ? payment + randDigits(rng, 4) : payment.trim());
  const table = folioTable(lines, 440, spec.currency, t, ink);
  parts.push(table.svg);
  const totals: [string, number][] = [[t.totalCharges, spec.totalMinor], [t.totalCredits, -spec.totalMinor], [t.balance, 0]];
  totals.forEach(([k, v], i) => {
    const y = table.bottom + 42 + i * 30;
    parts.push(svgText(k, 640, y, { size: 17, fill: ink, bold: i === 2 }), svgText(formatAmount(v, spec.currency), 920, y, { size: 17, anchor: "end", fill: ink, bold: i === 2 }));
  });
  const { rate } = taxFor(spec);
  parts.push(svgText(t.taxNote(formatRate(rate)), 80, table.bottom + 42, { size: 15, fill: "#666" }));
  parts.push(svgLine(80, 1250, 400, 1250, "#999", 1), svgText(t.signature, 80, 1274, { size: 15, fill: "#666" }));
  parts.push(svgText(t.thanks, 500, 1340, { size: 16, anchor: "middle", fill: gold }));
  return { width: 1000, height: 1414, body: `<g font-family="${SANS}">${parts.join("")}</g>`, color: "#fcfbf7", torn: false };
}

function folioTable(lines: readonly FolioLine[], top: number, currency: string, t: (typeof FOLIO_LABELS)["en" | "zh"], ink: string): { svg: string; bottom: number } {
  const parts: string[] = [svgLine(80, top, 920, top, ink, 2), svgLine(80, top + 40, 920, top + 40, ink, 1)];
  const head: [string, number, Anchor][] = [[t.date, 84, "start"], [t.desc, 240, "start"], [t.charges, 780, "end"], [t.credits, 916, "end"]];
  for (const [h, x, a] of head) parts.push(svgText(h, x, top + 27, { size: 16, bold: true, fill: ink, anchor: a }));
  lines.forEach((l, i) => {
    const y = top + 72 + i * 32;
    parts.push(svgText(l.date, 84, y, { size: 16, fill: ink }), svgText(l.desc, 240, y, { size: 16, fill: ink }));
    if (l.charge) parts.push(svgText(formatAmount(l.charge, currency, false), 780, y, { size: 16, anchor: "end", fill: ink }));
    if (l.credit) parts.push(svgText(formatAmount(-l.credit, currency, false), 916, y, { size: 16, anchor: "end", fill: ink }));
  });
  const bottom = top + 60 + lines.length * 32;
  parts.push(svgLine(80, bottom, 920, bottom, ink, 1));
  return { svg: parts.join(""), bottom };
}

function layoutPaper(spec: ReceiptArtSpec, rng: Rng): Paper {
  switch (spec.kind) {
    case "till":
    case "taxi":
      return layoutSlip(spec, rng);
    case "invoice":
      return spec.lang === "zh" ? layoutInvoiceZh(spec, rng) : layoutInvoiceEn(spec, rng);
    case "hotel":
      return layoutHotel(spec, rng);
  }
}

// ───────────────────────────── scenes & rasterising ─────────────────────────────

export type SceneStyle = "photo" | "scan";

export interface SceneOptions {
  /** Output width in pixels. */
  width: number;
  /** Fixed output height (the receipt is scaled to fit); omitted = derived from the receipt. */
  height?: number;
  seed?: number;
  style?: SceneStyle;
  /** Std-dev-ish amplitude of the sensor noise, in 8-bit levels. */
  noise?: number;
  quality?: number;
}

/** Outline of the paper; thermal slips get a torn zig-zag top and bottom. */
function paperOutline(p: Paper): string {
  if (!p.torn) return `M0 0H${n1(p.width)}V${n1(p.height)}H0Z`;
  const teeth = 48;
  const step = p.width / teeth;
  const depth = step * 0.45;
  let d = `M0 ${n1(depth)}`;
  for (let i = 1; i <= teeth; i++) d += `L${n1(i * step - step / 2)} 0L${n1(i * step)} ${n1(depth)}`;
  d += `V${n1(p.height - depth)}`;
  for (let i = teeth - 1; i >= 0; i--) d += `L${n1(i * step + step / 2)} ${n1(p.height)}L${n1(i * step)} ${n1(p.height - depth)}`;
  return `${d}Z`;
}

const DESKS = [
  { color: "#86684a", grain: true },
  { color: "#6b6e72", grain: false },
  { color: "#3c4552", grain: false },
  { color: "#b3a58c", grain: true },
] as const;

/**
 * Uneven light across the photo, applied per pixel in JS: gradients drawn by
 * librsvg cost ~10 ms each at this size, the arithmetic here a fraction of that.
 */
interface Lighting {
  /** Brightness slope across x and y (e.g. 0.2 = 20% brighter on one side). */
  gx: number;
  gy: number;
  /** Darkening at the corners, and where the "lamp" is (0..1 of width/height). */
  vignette: number;
  cx: number;
  cy: number;
}

interface Scene {
  svg: string;
  width: number;
  height: number;
  lighting?: Lighting;
}

function deskBackground(w: number, h: number, rng: Rng): string {
  const desk = pick(rng, DESKS);
  let body = `<rect width="${w}" height="${h}" fill="${desk.color}"/>`;
  if (desk.grain) {
    // Many faint, slightly curved strokes read as grain; a few strong ones read as stripes.
    for (let i = 0; i < 70; i++) {
      const y = rng() * h;
      const bend = (rng() - 0.5) * h * 0.03;
      const opacity = (0.015 + rng() * 0.035).toFixed(3);
      body += `<path d="M0 ${n1(y)}C${n1(w * 0.3)} ${n1(y + bend)} ${n1(w * 0.6)} ${n1(y - bend)} ${w} ${n1(y + bend * 0.5)}" stroke="#2a1a0c" stroke-opacity="${opacity}" stroke-width="${n1(0.8 + rng() * 3)}" fill="none"/>`;
    }
  }
  return body;
}

/** One SVG for the whole photo: desk, soft shadow, rotated paper; light is added later. */
function photoSvg(paper: Paper, opts: SceneOptions, rng: Rng): Scene {
  // Big sheets tilt less: 2 degrees across an A4 page already looks careless.
  const angle = (rng() - 0.5) * (paper.torn ? 5 : 2.4);
  const rad = (Math.abs(angle) * Math.PI) / 180;
  const bw = paper.width * Math.cos(rad) + paper.height * Math.sin(rad);
  const bh = paper.width * Math.sin(rad) + paper.height * Math.cos(rad);
  const fill = paper.torn ? 0.62 : 0.86;
  const scale = opts.height ? Math.min((opts.width * fill) / bw, (opts.height * 0.9) / bh) : (opts.width * fill) / paper.width;
  const width = opts.width;
  const height = opts.height ?? Math.ceil(bh * scale + opts.width * 0.14);
  const cx = width / 2 + (rng() - 0.5) * width * 0.04;
  const cy = height / 2 + (rng() - 0.5) * (height - bh * scale) * 0.3;
  const outline = paperOutline(paper);
  const sh = paper.width * 0.006;
  const shadows = [3, 2, 1].map((k) => `<path d="${outline}" transform="translate(${n1(sh * k * 1.3)} ${n1(sh * k * 2)})" fill="#000" fill-opacity="0.11"/>`).join("");
  const crease = paper.torn ? creaseMarks(paper, rng) : "";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${deskBackground(width, height, rng)}
<g transform="translate(${n1(cx)} ${n1(cy)}) rotate(${n1(angle)}) scale(${scale.toFixed(4)}) translate(${n1(-paper.width / 2)} ${n1(-paper.height / 2)})">${shadows}<path d="${outline}" fill="${paper.color}"/>${paper.body}${crease}</g></svg>`;
  const lighting: Lighting = { gx: (rng() - 0.5) * 0.24, gy: (rng() - 0.5) * 0.24, vignette: 0.25 + rng() * 0.2, cx: 0.35 + rng() * 0.3, cy: 0.35 + rng() * 0.3 };
  return { svg, width, height, lighting };
}

/** Thermal slips are usually folded once; a faint light/dark line pair sells it. */
function creaseMarks(p: Paper, rng: Rng): string {
  const y = p.height * (0.3 + rng() * 0.4);
  const tilt = (rng() - 0.5) * p.width * 0.03;
  return `<path d="M0 ${n1(y)}L${p.width} ${n1(y + tilt)}" stroke="#000" stroke-opacity="0.06" stroke-width="3"/><path d="M0 ${n1(y + 3)}L${p.width} ${n1(y + tilt + 3)}" stroke="#fff" stroke-opacity="0.25" stroke-width="2"/>`;
}

/** Flatbed scan: near-white page, paper fitted to the page width, barely skewed. */
function scanSvg(paper: Paper, opts: SceneOptions, rng: Rng): Scene {
  const width = opts.width;
  const margin = width * 0.03;
  const scale = opts.height ? Math.min((width - 2 * margin) / paper.width, (opts.height - 2 * margin) / paper.height) : (width - 2 * margin) / paper.width;
  const height = opts.height ?? Math.ceil(paper.height * scale + 2 * margin);
  const angle = (rng() - 0.5) * 0.4;
  const x = (width - paper.width * scale) / 2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#fbfbf8"/>
<g transform="rotate(${angle.toFixed(3)} ${width / 2} ${height / 2}) translate(${n1(x)} ${n1(margin)}) scale(${scale.toFixed(5)})">${paper.body}</g></svg>`;
  return { svg, width, height };
}

/** A 64 Ki table of roughly Gaussian noise values (sum of three uniforms). */
function noiseTable(amplitude: number, rng: Rng): Int8Array {
  const table = new Int8Array(65536);
  for (let i = 0; i < table.length; i++) {
    table[i] = Math.round(Math.max(-127, Math.min(127, (rng() + rng() + rng() - 1.5) * amplitude * 2)));
  }
  return table;
}

/**
 * Applies lighting and sensor noise in place, one pass over RGB(A) pixels.
 * Noise is read from a table at a random offset per row (one lookup per pixel
 * instead of RNG calls; rows never line up, so no visible repetition). The
 * clamped view matters: writing 260 into a plain Buffer would wrap to 4.
 */
function developPhoto(data: Buffer, width: number, channels: number, amplitude: number, lighting: Lighting | undefined, rng: Rng): void {
  const table = noiseTable(Math.max(0, amplitude), rng);
  const l = lighting ?? { gx: 0, gy: 0, vignette: 0, cx: 0.5, cy: 0.5 };
  const px = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
  const rowBytes = width * channels;
  const height = Math.floor(px.length / rowBytes);
  const colLin = new Float32Array(width);
  const colSq = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    colLin[x] = l.gx * (x / width - 0.5);
    colSq[x] = (x / width - l.cx) ** 2;
  }
  for (let y = 0; y < height; y++) {
    const rowLin = 1 + l.gy * (y / height - 0.5);
    const rowSq = (y / height - l.cy) ** 2;
    let t = Math.floor(rng() * 65536);
    let i = y * rowBytes;
    for (let x = 0; x < width; x++, i += channels) {
      const f = (rowLin + (colLin[x] ?? 0)) * (1 - l.vignette * ((colSq[x] ?? 0) + rowSq));
      const n = table[t++ & 0xffff] ?? 0;
      px[i] = (px[i] ?? 0) * f + n;
      px[i + 1] = (px[i + 1] ?? 0) * f + n;
      px[i + 2] = (px[i + 2] ?? 0) * f + n;
    }
  }
}

/** Renders a receipt into a full scene (photo or scan) and encodes it as JPEG. */
export async function renderReceiptScene(spec: ReceiptArtSpec, opts: SceneOptions): Promise<Buffer> {
  const seed = ((opts.seed ?? 1) ^ hashString(`${spec.merchant}|${spec.date}|${spec.totalMinor}|${spec.kind}`)) >>> 0;
  const rng = mulberry32(seed);
  const paper = layoutPaper(spec, rng);
  const scene = (opts.style ?? "photo") === "photo" ? photoSvg(paper, opts, rng) : scanSvg(paper, opts, rng);
  const { data, info } = await sharp(Buffer.from(scene.svg), { limitInputPixels: false }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  developPhoto(data, info.width, info.channels, opts.noise ?? (opts.style === "scan" ? 2.5 : 5), scene.lighting, rng);
  const raw = { width: info.width, height: info.height, channels: info.channels };
  return sharp(data, { raw, limitInputPixels: false }).jpeg({ quality: opts.quality ?? 84 }).toBuffer();
}

function defaultWidth(kind: ReceiptKind): number {
  return kind === "till" || kind === "taxi" ? 900 : 1400;
}

/** EXIF "YYYY:MM:DD HH:MM:SS" for the receipt's own date and time (noon if it has none). */
export function exifDateTimeOf(spec: ReceiptArtSpec): string {
  const time = /^\d{2}:\d{2}$/.test(spec.time ?? "") ? spec.time : "12:00";
  return `${spec.date.replace(/-/g, ":")} ${time}:00`;
}

/**
 * A receipt photographed on a desk: JPEG, deterministic for (spec, seed). Like a phone photo it carries
 * EXIF DateTimeOriginal / CreateDate — the receipt's date and time plus a few minutes — unless
 * `exif: false` (or `exifDateTime` overrides it, e.g. to make a photo taken long after the expense).
 */
export async function renderReceiptJpeg(
  spec: ReceiptArtSpec,
  opts?: { widthPx?: number; seed?: number; exif?: boolean; exifDateTime?: string },
): Promise<Buffer> {
  const jpeg = await renderReceiptScene(spec, { width: opts?.widthPx ?? defaultWidth(spec.kind), seed: opts?.seed ?? 1, style: "photo" });
  if (opts?.exif === false) return jpeg;
  return withExifDate(jpeg, opts?.exifDateTime ?? exifDateTimeOf(spec));
}

/**
 * Adds an EXIF APP1 segment with DateTimeOriginal and CreateDate to a JPEG without re-encoding it: the
 * segment is taken from a 1×1 JPEG sharp writes with that EXIF, and spliced in after SOI (and JFIF APP0).
 */
export async function withExifDate(jpeg: Buffer, dateTime: string): Promise<Buffer> {
  if (!/^\d{4}:\d{2}:\d{2} \d{2}:\d{2}:\d{2}$/.test(dateTime)) throw new Error(`not an EXIF date-time: ${dateTime}`);
  const carrier = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#ffffff" } })
    .withExif({ IFD0: { Make: "Demo", Model: "Receipt camera" }, IFD2: { DateTimeOriginal: dateTime, DateTimeDigitized: dateTime } })
    .jpeg()
    .toBuffer();
  const app1 = jpegSegment(carrier, 0xe1);
  if (!app1) throw new Error("sharp wrote no EXIF segment");
  const app0 = jpegSegment(jpeg, 0xe0);
  const at = app0 && app0.offset === 2 ? 2 + app0.bytes.length : 2;
  return Buffer.concat([jpeg.subarray(0, at), app1.bytes, jpeg.subarray(at)]);
}

/** The first marker segment of `marker` before the image data (bytes include the FF xx marker). */
function jpegSegment(jpeg: Buffer, marker: number): { offset: number; bytes: Buffer } | null {
  let i = 2;
  while (i + 4 <= jpeg.length && jpeg[i] === 0xff) {
    const m = jpeg[i + 1] ?? 0;
    if (m === 0xda) return null; // start of scan: no more headers
    const len = jpeg.readUInt16BE(i + 2);
    if (m === marker) return { offset: i, bytes: jpeg.subarray(i, i + 2 + len) };
    i += 2 + len;
  }
  return null;
}

// ───────────────────────────── PDF ─────────────────────────────

function jpegSize(jpeg: Buffer): { width: number; height: number } {
  // Walk the marker segments to the first SOFn frame header.
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) throw new Error("bad JPEG marker");
    const marker = jpeg[i + 1] ?? 0;
    const len = jpeg.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  throw new Error("JPEG has no frame header");
}

/**
 * Writes a minimal PDF 1.4: one A4 page per JPEG, each embedded untouched as a
 * /DCTDecode image XObject. Offsets are counted in bytes so the xref is exact.
 * `creationDate` (a PDF date string, e.g. "D:20260309013000+08'00'") adds an Info dictionary.
 */
export function jpegsToPdf(jpegs: readonly Buffer[], opts?: { creationDate?: string }): Buffer {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let pos = 0;
  const write = (b: Buffer | string): void => {
    const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
    chunks.push(buf);
    pos += buf.length;
  };
  const object = (id: number, body: (Buffer | string)[]): void => {
    offsets[id] = pos;
    write(`${id} 0 obj\n`);
    body.forEach(write);
    write("\nendobj\n");
  };
  const [pageW, pageH, margin] = [595.28, 841.89, 28];
  write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  const pageIds = jpegs.map((_, i) => 3 + i * 3);
  object(1, ["<< /Type /Catalog /Pages 2 0 R >>"]);
  object(2, [`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${jpegs.length} >>`]);
  jpegs.forEach((jpeg, i) => {
    const [pageId, contentId, imageId] = [3 + i * 3, 4 + i * 3, 5 + i * 3];
    const { width, height } = jpegSize(jpeg);
    const s = Math.min((pageW - 2 * margin) / width, (pageH - 2 * margin) / height);
    const [w, h] = [width * s, height * s];
    const content = `q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} ${((pageW - w) / 2).toFixed(2)} ${((pageH - h) / 2).toFixed(2)} cm /Im0 Do Q\n`;
    object(pageId, [`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${pageW} ${pageH}] /Resources << /XObject << /Im0 ${imageId} 0 R >> >> /Contents ${contentId} 0 R >>`]);
    object(contentId, [`<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}endstream`]);
    object(imageId, [
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
      jpeg,
      "\nendstream",
    ]);
  });
  let size = 3 + jpegs.length * 3;
  let info = "";
  if (opts?.creationDate) {
    if (!/^D:[0-9+\-Z']+$/.test(opts.creationDate)) throw new Error(`not a PDF date: ${opts.creationDate}`);
    object(size, [`<< /Producer (Accounting Factory demo scanner) /CreationDate (${opts.creationDate}) >>`]);
    info = ` /Info ${size} 0 R`;
    size += 1;
  }
  const xrefAt = pos;
  write(`xref\n0 ${size}\n0000000000 65535 f \n`);
  for (let id = 1; id < size; id++) write(`${String(offsets[id] ?? 0).padStart(10, "0")} 00000 n \n`);
  write(`trailer\n<< /Size ${size} /Root 1 0 R${info} >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

/**
 * Multi-page "scanned receipts" PDF, one receipt photo per page. Like a scanner's output it carries an
 * Info CreationDate — the first receipt's date, late that evening in UTC+8 — unless `creationDate` is
 * given (a PDF date string) or null (no Info dictionary).
 */
export async function renderReceiptPdf(
  specs: ReceiptArtSpec[],
  opts?: { widthPx?: number; seed?: number; creationDate?: string | null },
): Promise<Buffer> {
  const jpegs = await Promise.all(
    specs.map((spec, i) => renderReceiptJpeg(spec, { widthPx: opts?.widthPx, seed: (opts?.seed ?? 1) + i, exif: false })),
  );
  const first = specs[0];
  const creationDate =
    opts?.creationDate === undefined ? (first ? `D:${first.date.replace(/-/g, "")}213000+08'00'` : undefined) : (opts.creationDate ?? undefined);
  return jpegsToPdf(jpegs, { creationDate });
}

// ───────────────────────────── random specs ─────────────────────────────

interface CatalogItem {
  name: string;
  /** Price in the catalogue's base currency (CNY for zh, USD for en), major units. */
  price: number;
  maxQty?: number;
}

interface Merchant {
  name: string;
  addresses: readonly string[];
  items: readonly CatalogItem[];
  count: readonly [number, number];
}

const ZH_CATALOG: Readonly<Record<ReceiptKind, readonly Merchant[]>> = {
  till: [
    { name: "全家便利店", addresses: ["上海市徐汇区漕溪北路88号", "北京市朝阳区建国路93号万达广场B1"], count: [2, 5], items: [
      { name: "饭团(金枪鱼蛋黄酱)", price: 7.5, maxQty: 2 }, { name: "关东煮(萝卜)", price: 3, maxQty: 3 }, { name: "茶叶蛋", price: 2.5, maxQty: 2 },
      { name: "农夫山泉550ml", price: 2, maxQty: 2 }, { name: "火腿芝士三明治", price: 12.8 }, { name: "可口可乐330ml", price: 3.5, maxQty: 2 },
      { name: "照烧鸡排便当", price: 22 }, { name: "拿铁咖啡(中杯)", price: 12 }] },
    { name: "海底捞火锅", addresses: ["北京市海淀区中关村大街19号新中关购物中心5层", "上海市静安区南京西路1038号梅龙镇广场8楼"], count: [4, 8], items: [
      { name: "番茄锅底", price: 38 }, { name: "麻辣牛油锅底", price: 48 }, { name: "捞派肥牛", price: 62, maxQty: 2 }, { name: "虾滑", price: 42, maxQty: 2 },
      { name: "千层毛肚", price: 58 }, { name: "鸭血", price: 22 }, { name: "捞派手工面", price: 9, maxQty: 4 }, { name: "自助调料", price: 10, maxQty: 5 },
      { name: "酸梅汤(扎)", price: 28 }] },
    { name: "星巴克咖啡", addresses: ["上海市黄浦区南京东路800号", "北京市东城区王府井大街138号"], count: [1, 4], items: [
      { name: "拿铁(大杯)", price: 35, maxQty: 2 }, { name: "美式咖啡(中杯)", price: 27, maxQty: 2 }, { name: "抹茶星冰乐(超大杯)", price: 42 },
      { name: "牛角包", price: 18 }, { name: "蓝莓麦芬", price: 19 }] },
    { name: "麦当劳", addresses: ["广东省深圳市福田区深南中路3031号", "北京市西城区西单北大街120号"], count: [2, 5], items: [
      { name: "巨无霸套餐", price: 38 }, { name: "麦辣鸡腿堡", price: 22, maxQty: 2 }, { name: "薯条(大)", price: 14 }, { name: "可乐(中)", price: 10, maxQty: 2 },
      { name: "麦乐鸡(5块)", price: 13 }] },
    { name: "西贝莜面村", addresses: ["北京市朝阳区朝阳北路101号朝阳大悦城6层"], count: [3, 6], items: [
      { name: "莜面窝窝", price: 39 }, { name: "黄米凉糕", price: 29 }, { name: "牛大骨", price: 119 }, { name: "烤羊排", price: 139 }, { name: "酸奶", price: 15, maxQty: 4 },
      { name: "张爷爷手工空心挂面", price: 36 }] },
    { name: "永辉超市", addresses: ["重庆市渝中区解放碑民族路188号", "浙江省杭州市西湖区文三路259号"], count: [3, 7], items: [
      { name: "金龙鱼食用油5L", price: 69.9 }, { name: "蒙牛纯牛奶250ml*16", price: 58 }, { name: "富士苹果", price: 11.8, maxQty: 3 },
      { name: "维达抽纸3层*10包", price: 24.9 }, { name: "鲜鸡蛋30枚", price: 26.8 }, { name: "五常大米5kg", price: 59.9 }] },
  ],
  taxi: [
    { name: "滴滴出行", addresses: ["北京市海淀区东北旺西路8号中关村软件园"], count: [2, 4], items: [
      { name: "起步价", price: 13 }, { name: "里程费", price: 2.3, maxQty: 25 }, { name: "时长费", price: 0.5, maxQty: 30 }, { name: "高速通行费", price: 10 }] },
    { name: "北京首汽出租汽车", addresses: ["北京市东城区东直门南大街1号"], count: [2, 3], items: [
      { name: "起步价", price: 13 }, { name: "里程费", price: 2.3, maxQty: 20 }, { name: "燃油附加费", price: 1 }, { name: "等候费", price: 2.3, maxQty: 5 }] },
    { name: "上海强生出租汽车", addresses: ["上海市静安区江场三路288号"], count: [2, 3], items: [
      { name: "起步价", price: 16 }, { name: "里程费", price: 2.7, maxQty: 20 }, { name: "夜间附加费", price: 5 }] },
  ],
  hotel: [
    { name: "如家酒店(北京西单店)", addresses: ["北京市西城区宣武门内大街2号"], count: [2, 3], items: [
      { name: "标准间房费", price: 259, maxQty: 4 }, { name: "早餐", price: 25 }, { name: "洗衣服务", price: 40 }, { name: "迷你吧", price: 18 }] },
    { name: "全季酒店(上海人民广场店)", addresses: ["上海市黄浦区福州路567号"], count: [2, 3], items: [
      { name: "高级大床房房费", price: 469, maxQty: 3 }, { name: "自助早餐", price: 48 }, { name: "停车费", price: 60 }] },
    { name: "北京希尔顿酒店", addresses: ["北京市朝阳区东三环北路东方路1号"], count: [2, 4], items: [
      { name: "豪华客房房费", price: 1288, maxQty: 3 }, { name: "行政酒廊", price: 380 }, { name: "客房送餐", price: 216 }, { name: "洗衣服务", price: 120 }] },
  ],
  invoice: [
    { name: "中国国际航空股份有限公司", addresses: ["北京市顺义区天柱路30号"], count: [1, 2], items: [
      { name: "*运输服务*国内航空旅客运输服务", price: 1280 }, { name: "*运输服务*燃油附加费", price: 60 }] },
    { name: "海底捞（北京）餐饮管理有限公司", addresses: ["北京市昌平区回龙观西大街35号"], count: [1, 1], items: [{ name: "*餐饮服务*餐饮服务", price: 486 }] },
    { name: "上海携程商务有限公司", addresses: ["上海市长宁区金钟路968号"], count: [1, 2], items: [
      { name: "*经纪代理服务*代订住宿服务费", price: 1260 }, { name: "*经纪代理服务*服务费", price: 30 }] },
    { name: "北京京东世纪信息技术有限公司", addresses: ["北京市北京经济技术开发区科创十一街18号"], count: [1, 3], items: [
      { name: "*计算机外部设备*罗技无线鼠标M330", price: 99, maxQty: 3 }, { name: "*纸制品*得力A4复印纸70g 5包", price: 139 },
      { name: "*计算机外部设备*闪迪U盘64G", price: 49, maxQty: 2 }] },
    { name: "中国联合网络通信有限公司北京市分公司", addresses: ["北京市西城区金融大街21号"], count: [1, 2], items: [
      { name: "*电信服务*基础电信服务", price: 88 }, { name: "*电信服务*增值电信服务", price: 40 }] },
  ],
};

const EN_CATALOG: Readonly<Record<ReceiptKind, readonly Merchant[]>> = {
  till: [
    { name: "STARBUCKS COFFEE", addresses: ["1912 Pike Place, Seattle, WA 98101", "55 Kingsway, London WC2B 6TD"], count: [1, 4], items: [
      { name: "Caffe Latte Grande", price: 5.45, maxQty: 2 }, { name: "Cold Brew Venti", price: 5.95 }, { name: "Blueberry Muffin", price: 3.25 },
      { name: "Butter Croissant", price: 3.75 }, { name: "Bottled Water", price: 2.25 }] },
    { name: "Pret A Manger", addresses: ["1 Hanover Square, London W1S 1HA"], count: [2, 4], items: [
      { name: "Chicken Caesar Baguette", price: 7.99 }, { name: "Tomato Soup", price: 5.25 }, { name: "Flat White", price: 3.9, maxQty: 2 },
      { name: "Pret Bar", price: 2.75 }] },
    { name: "Walgreens #4821", addresses: ["300 W Randolph St, Chicago, IL 60606"], count: [2, 5], items: [
      { name: "Advil 50ct", price: 9.99 }, { name: "Dasani Water 1L", price: 2.49, maxQty: 2 }, { name: "Phone Charger USB-C", price: 19.99 },
      { name: "Travel Toothbrush Kit", price: 4.79 }, { name: "Kind Bar", price: 1.99, maxQty: 3 }] },
    { name: "Whole Foods Market", addresses: ["10 Columbus Cir, New York, NY 10019"], count: [3, 7], items: [
      { name: "Organic Bananas", price: 1.99 }, { name: "Salad Bar (lb)", price: 11.99, maxQty: 2 }, { name: "Sparkling Water 12pk", price: 6.49 },
      { name: "Greek Yogurt", price: 1.79, maxQty: 3 }, { name: "Sourdough Loaf", price: 5.99 }, { name: "Cold Pressed Juice", price: 7.99 }] },
    { name: "Chipotle Mexican Grill", addresses: ["1 World Trade Center, New York, NY 10007"], count: [2, 5], items: [
      { name: "Chicken Burrito", price: 10.75, maxQty: 2 }, { name: "Steak Bowl", price: 12.25 }, { name: "Chips & Guacamole", price: 5.15 },
      { name: "Fountain Drink", price: 2.95, maxQty: 2 }] },
  ],
  taxi: [
    { name: "Uber", addresses: ["1515 3rd Street, San Francisco, CA 94158"], count: [2, 4], items: [
      { name: "Base fare", price: 2.55 }, { name: "Distance", price: 1.75, maxQty: 14 }, { name: "Time", price: 0.35, maxQty: 30 },
      { name: "Booking fee", price: 2.75 }, { name: "Tolls", price: 6.5 }] },
    { name: "Lyft", addresses: ["185 Berry St, San Francisco, CA 94107"], count: [2, 3], items: [
      { name: "Ride fare", price: 3.1 }, { name: "Distance", price: 1.6, maxQty: 12 }, { name: "Service fee", price: 2.5 }] },
    { name: "Yellow Cab Co.", addresses: ["1200 W 35th St, Chicago, IL 60609"], count: [2, 3], items: [
      { name: "Meter fare", price: 3.25 }, { name: "Per mile", price: 2.25, maxQty: 12 }, { name: "Airport surcharge", price: 4 }] },
  ],
  hotel: [
    { name: "Hilton London Paddington", addresses: ["146 Praed St, London W2 1EE"], count: [2, 4], items: [
      { name: "Room charge - King Deluxe", price: 219, maxQty: 4 }, { name: "Breakfast buffet", price: 28 }, { name: "Minibar", price: 14 },
      { name: "Room service", price: 46 }] },
    { name: "Marriott Marquis", addresses: ["1535 Broadway, New York, NY 10036"], count: [2, 4], items: [
      { name: "Room charge", price: 329, maxQty: 3 }, { name: "Parking", price: 65 }, { name: "Lobby bar", price: 38 }, { name: "Laundry", price: 22 }] },
    { name: "Holiday Inn Express", addresses: ["2200 N Clark St, Chicago, IL 60614"], count: [2, 3], items: [
      { name: "Room charge - Queen", price: 149, maxQty: 4 }, { name: "Market pantry", price: 6.5 }, { name: "Parking", price: 32 }] },
  ],
  invoice: [
    { name: "Acme Consulting Ltd", addresses: ["25 Old Broad St, London EC2N 1HN"], count: [1, 3], items: [
      { name: "Consulting services (hours)", price: 150, maxQty: 12 }, { name: "Workshop facilitation (day)", price: 1200 },
      { name: "Travel expenses (recharged)", price: 210 }] },
    { name: "Amazon Web Services EMEA SARL", addresses: ["38 Avenue John F. Kennedy, L-1855 Luxembourg"], count: [2, 4], items: [
      { name: "Amazon EC2 usage", price: 412.37 }, { name: "Amazon S3 storage", price: 38.2 }, { name: "AWS Data Transfer", price: 21.95 },
      { name: "Amazon RDS for PostgreSQL", price: 188.6 }] },
    { name: "Delta Air Lines", addresses: ["1030 Delta Blvd, Atlanta, GA 30354"], count: [1, 3], items: [
      { name: "Airfare ATL-JFK (Main Cabin)", price: 318 }, { name: "Seat upgrade Comfort+", price: 69 }, { name: "Checked bag", price: 35 }] },
    { name: "WeWork Companies LLC", addresses: ["115 W 18th St, New York, NY 10011"], count: [1, 2], items: [
      { name: "Hot desk membership (monthly)", price: 399 }, { name: "Meeting room credits", price: 25, maxQty: 8 }] },
    { name: "TechConf Events Ltd", addresses: ["ExCeL London, Royal Victoria Dock, London E16 1XL"], count: [1, 2], items: [
      { name: "Conference pass - 2 days", price: 899 }, { name: "Workshop add-on", price: 249 }] },
  ],
};

/** Rough CNY-based rates: only here so converted catalogue prices look plausible. */
const PER_CNY: Readonly<Record<string, number>> = {
  CNY: 1, USD: 0.14, EUR: 0.128, GBP: 0.11, JPY: 21, HKD: 1.09, SGD: 0.186, AUD: 0.21, CAD: 0.19, KRW: 190, TWD: 4.5, CHF: 0.123,
};

function priceToMinor(price: number, base: "CNY" | "USD", currency: string): number {
  const rate = (PER_CNY[currency] ?? 0.14) / (PER_CNY[base] ?? 1);
  const major = price * rate;
  // Shops price in round-ish steps (£172, £12.40, ¥480), not at raw exchange-rate precision.
  const step = major >= 100 ? 1 : major >= 10 ? 0.1 : 0.05;
  const minor = Math.round(Math.round(major / step) * step * 10 ** currencyDecimals(currency));
  return currencyDecimals(currency) === 0 && minor >= 200 ? Math.round(minor / 10) * 10 : Math.max(1, minor);
}

/**
 * Scales prices so the lines add up to exactly `total`. One single-quantity
 * line absorbs the rounding remainder; if that would go to zero or below,
 * the receipt collapses to a single line.
 */
export function fitItemsToTotal(items: readonly ReceiptItem[], total: number): ReceiptItem[] {
  const first = items[0];
  if (!first) throw new Error("cannot fit an empty item list");
  let balance = items.reduce((best, it, i) => (it.qty === 1 && (best < 0 || lineTotal(it) > lineTotal(items[best] ?? it)) ? i : best), -1);
  const adjusted = items.map((it, i) => (balance < 0 && i === items.length - 1 ? { ...it, qty: 1 } : { ...it }));
  if (balance < 0) balance = adjusted.length - 1;
  const natural = adjusted.reduce((a, it) => a + lineTotal(it), 0);
  const factor = total / Math.max(1, natural);
  for (const it of adjusted) it.unitMinor = Math.max(1, Math.round(it.unitMinor * factor));
  const others = adjusted.reduce((a, it, i) => (i === balance ? a : a + lineTotal(it)), 0);
  const target = adjusted[balance];
  if (!target || total - others < 1) return [{ name: first.name, qty: 1, unitMinor: total }];
  target.unitMinor = total - others;
  return adjusted;
}

/** A London shop on a dollar receipt looks off; match the address to the currency where we can. */
function addressFits(address: string, currency: string): boolean {
  if (currency === "GBP") return /London/.test(address);
  if (currency === "USD") return /, [A-Z]{2} \d{5}$/.test(address);
  if (currency === "EUR") return /Luxembourg/.test(address);
  return true;
}

function timeFor(kind: ReceiptKind, rng: Rng): string {
  const [from, to] = kind === "hotel" ? [7, 12] : kind === "invoice" ? [9, 18] : kind === "taxi" ? [6, 23] : [8, 21];
  return `${String(randInt(rng, from, to)).padStart(2, "0")}:${String(randInt(rng, 0, 59)).padStart(2, "0")}`;
}

function taxIdFor(lang: ReceiptLang, currency: string, rng: Rng): string {
  if (lang === "zh") {
    const alnum = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    return `91${randInt(rng, 11, 44)}0${randInt(rng, 100, 119)}MA${Array.from({ length: 8 }, () => pick(rng, [...alnum])).join("")}`;
  }
  if (currency === "GBP") return `GB ${randDigits(rng, 3)} ${randDigits(rng, 4)} ${randDigits(rng, 2)}`;
  if (currency === "EUR") return `DE${randDigits(rng, 9)}`;
  return `${randDigits(rng, 2)}-${randDigits(rng, 7)}`;
}

function invoiceNoFor(kind: ReceiptKind, lang: ReceiptLang, date: string, rng: Rng): string {
  if (kind === "invoice") return lang === "zh" ? randDigits(rng, 8) : `INV-${date.slice(0, 4)}-${randDigits(rng, 5)}`;
  if (kind === "hotel") return `F${randDigits(rng, 7)}`;
  return `${randDigits(rng, 4)}${randDigits(rng, 4)}${randDigits(rng, 4)}`;
}

function pickKind(rng: Rng): ReceiptKind {
  const r = rng();
  return r < 0.5 ? "till" : r < 0.7 ? "taxi" : r < 0.85 ? "hotel" : "invoice";
}

/** A believable receipt spec; items always sum exactly to `totalMinor`. */
export function randomReceiptSpec(
  rng: () => number,
  opts: { lang: "en" | "zh"; currency: string; date: string; totalMinor?: number; kind?: ReceiptArtSpec["kind"] },
): ReceiptArtSpec {
  parseDate(opts.date);
  const kind = opts.kind ?? pickKind(rng);
  const catalog = (opts.lang === "zh" ? ZH_CATALOG : EN_CATALOG)[kind];
  const local = catalog.filter((m) => m.addresses.some((a) => addressFits(a, opts.currency)));
  const merchant = pick(rng, local.length ? local : catalog);
  const addresses = merchant.addresses.filter((a) => addressFits(a, opts.currency));
  const base = opts.lang === "zh" ? "CNY" : "USD";
  // A hotel bill always has the room and a ride always has its base fare: the first catalogue line.
  const [head, ...rest] = merchant.items;
  const mandatory = head && (kind === "hotel" || kind === "taxi") ? [head] : [];
  const pool = mandatory.length ? rest : merchant.items;
  const count = randInt(rng, merchant.count[0], merchant.count[1]);
  const chosen = [...mandatory, ...shuffled(rng, pool).slice(0, count - mandatory.length)];
  // Keep the catalogue order (room before extras, base fare before tolls).
  chosen.sort((a, b) => merchant.items.indexOf(a) - merchant.items.indexOf(b));
  let items: ReceiptItem[] = chosen.map((it) => ({
    name: it.name,
    qty: it.maxQty ? randInt(rng, 1, it.maxQty) : 1,
    unitMinor: priceToMinor(it.price, base, opts.currency),
  }));
  if (opts.totalMinor !== undefined) items = fitItemsToTotal(items, opts.totalMinor);
  return {
    merchant: merchant.name,
    merchantAddress: pick(rng, addresses.length ? addresses : merchant.addresses),
    date: opts.date,
    time: timeFor(kind, rng),
    currency: opts.currency,
    items,
    totalMinor: items.reduce((a, it) => a + lineTotal(it), 0),
    taxId: taxIdFor(opts.lang, opts.currency, rng),
    invoiceNo: invoiceNoFor(kind, opts.lang, opts.date, rng),
    lang: opts.lang,
    kind,
  };
}
