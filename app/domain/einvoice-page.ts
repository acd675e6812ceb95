/**
 * Issue 14: a digital e-invoice uploaded as bare XML has no picture; imaging draws this page of its
 * fields (seller, buyer, items, totals) so the viewer, thumbnails and paper trail work unchanged. Pure:
 * the SVG text only (sharp renders it). Not the official layout (the page says it is drawn from the data).
 */
import { minorToDecimalString } from "./money";
import type { EInvoice } from "./receipt-reading/einvoice-xml";

/** 240 × 140 mm (the e-invoice's paper size) at 150 dpi, the viewer's resolution for PDF pages. */
export const EINVOICE_PAGE = { width: 1417, height: 827 } as const;
const MAX_ITEM_ROWS = 8;
const FONT = "'Noto Sans CJK SC', 'Noto Serif CJK SC', 'Noto Sans', sans-serif";

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A string cut to `max` characters (with …), so a long name never runs over the next column. */
function fit(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

const money = (minor: bigint) => minorToDecimalString(minor, "CNY");

/** "0.06" (as the XML writes it) → "6%"; a rate already in percent stays. */
function rate(r: string | null): string {
  if (!r) return "";
  return /^0?\.\d+$/.test(r) ? `${Math.round(Number(r) * 10_000) / 100}%` : r;
}

export function eInvoicePageSvg(inv: EInvoice): string {
  const { width: W, height: H } = EINVOICE_PAGE;
  const text = (x: number, y: number, s: string, o: { size?: number; anchor?: "start" | "middle" | "end"; weight?: number; fill?: string } = {}) =>
    `<text x="${x}" y="${y}" font-size="${o.size ?? 22}" text-anchor="${o.anchor ?? "start"}" font-weight="${o.weight ?? 400}" fill="${o.fill ?? "#1d2939"}">${esc(s)}</text>`;
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  parts.push(text(W / 2, 70, "电子发票", { size: 40, anchor: "middle", weight: 700, fill: "#8a1c1c" }));
  parts.push(`<line x1="${W / 2 - 120}" y1="84" x2="${W / 2 + 120}" y2="84" stroke="#8a1c1c" stroke-width="2"/>`);
  parts.push(text(W - 60, 50, `发票号码：${inv.invoiceNumber}`, { anchor: "end" }));
  parts.push(text(W - 60, 82, `开票日期：${inv.issueDate}`, { anchor: "end" }));
  // Buyer and seller boxes.
  const boxTop = 110;
  const boxH = 110;
  parts.push(`<rect x="40" y="${boxTop}" width="${W - 80}" height="${H - boxTop - 60}" fill="none" stroke="#8a1c1c" stroke-width="2"/>`);
  parts.push(`<line x1="${W / 2}" y1="${boxTop}" x2="${W / 2}" y2="${boxTop + boxH}" stroke="#8a1c1c" stroke-width="2"/>`);
  parts.push(`<line x1="40" y1="${boxTop + boxH}" x2="${W - 40}" y2="${boxTop + boxH}" stroke="#8a1c1c" stroke-width="2"/>`);
  parts.push(text(60, boxTop + 40, "购买方", { weight: 700, fill: "#8a1c1c" }));
  parts.push(text(160, boxTop + 40, `名称：${fit(inv.buyerName, 24)}`));
  parts.push(text(160, boxTop + 80, `统一社会信用代码/纳税人识别号：${inv.buyerTaxId ?? "—"}`, { size: 18 }));
  parts.push(text(W / 2 + 20, boxTop + 40, "销售方", { weight: 700, fill: "#8a1c1c" }));
  parts.push(text(W / 2 + 120, boxTop + 40, `名称：${fit(inv.sellerName, 24)}`));
  parts.push(text(W / 2 + 120, boxTop + 80, `统一社会信用代码/纳税人识别号：${inv.sellerTaxId}`, { size: 18 }));
  // Items.
  const cols = [
    { x: 60, label: "项目名称", anchor: "start" as const },
    { x: 560, label: "数量", anchor: "end" as const },
    { x: 760, label: "单价", anchor: "end" as const },
    { x: 990, label: "金额", anchor: "end" as const },
    { x: 1120, label: "税率", anchor: "end" as const },
    { x: W - 60, label: "税额", anchor: "end" as const },
  ];
  let y = boxTop + boxH + 40;
  for (const c of cols) parts.push(text(c.x, y, c.label, { anchor: c.anchor, weight: 700, size: 20 }));
  const rows = inv.items.slice(0, MAX_ITEM_ROWS);
  for (const item of rows) {
    y += 36;
    const cells = [fit(item.name, 22), item.quantity ?? "", item.unitPrice ?? "", money(item.amountMinor), rate(item.taxRate), money(item.taxMinor)];
    cells.forEach((v, i) => parts.push(text(cols[i]!.x, y, v, { anchor: cols[i]!.anchor, size: 20 })));
  }
  if (inv.items.length > rows.length) {
    y += 36;
    parts.push(text(60, y, `… 另有 ${inv.items.length - rows.length} 项`, { size: 20, fill: "#667085" }));
  }
  // Totals.
  const totalsY = H - 160;
  parts.push(`<line x1="40" y1="${totalsY - 40}" x2="${W - 40}" y2="${totalsY - 40}" stroke="#8a1c1c" stroke-width="2"/>`);
  parts.push(text(60, totalsY, "合　　计", { weight: 700 }));
  parts.push(text(990, totalsY, `¥${money(inv.amountWithoutTaxMinor)}`, { anchor: "end" }));
  parts.push(text(W - 60, totalsY, `¥${money(inv.taxMinor)}`, { anchor: "end" }));
  parts.push(`<line x1="40" y1="${totalsY + 22}" x2="${W - 40}" y2="${totalsY + 22}" stroke="#8a1c1c" stroke-width="2"/>`);
  parts.push(text(60, totalsY + 64, "价税合计", { weight: 700 }));
  parts.push(text(W - 60, totalsY + 64, `¥${money(inv.totalMinor)}`, { anchor: "end", size: 28, weight: 700 }));
  parts.push(text(60, H - 24, "据数电票数据（XML）绘制，非发票原版式 · Drawn from the e-invoice data (XML), not the official layout", { size: 16, fill: "#667085" }));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">${parts.join("")}</svg>`;
}
