import path from "node:path";
import { captureSet } from "./bench/capture-set";
import { readReceiptFile } from "~/utils/receipt-reading/read-receipt-file.server";
const { dir, labels } = await captureSet();
const want = process.argv.slice(2);
for (const l of labels.filter((x) => want.some((w) => x.file.startsWith(w)))) {
  const o = await readReceiptFile({ path: path.join(dir, l.file), mimeType: l.mimeType });
  console.log("==", l.file, l.totalMinor, l.currency, l.date, l.merchant, l.invoiceNumber);
  if (!o.read) { console.log(o.notes); continue; }
  const f = o.reading.fields;
  console.log("->", f.total?.value, f.currency?.value, f.date?.value, f.merchant?.value, f.invoiceNumber?.value, o.reading.detail.passes);
  for (const x of (o.reading.detail.lines as { text: string; score: number }[]) ?? []) console.log("   ", x.score, x.text);
}
process.exit(0);
