import fs from "node:fs";
import { photographedQrInvoice, vatQrPayload } from "./fixtures/einvoices/index";
const qrText = vatQrPayload({ code: "031002400111", number: "12345678", amount: "1000.00", date: "2026-12-02" });
fs.writeFileSync("/tmp/ocrtry/qrphoto.jpg", await photographedQrInvoice(qrText));
