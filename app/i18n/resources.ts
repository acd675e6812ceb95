// Every screen's strings live in a namespace file per locale; the zh-CN files must have the same keys
// (app/i18n/catalogs.test.ts checks it).
import enCommon from "./locales/en/common";
import zhCommon from "./locales/zh-CN/common";
import enClaims from "./locales/en/claims";
import zhClaims from "./locales/zh-CN/claims";
import enViewer from "./locales/en/viewer";
import enApprovals from "./locales/en/approvals";
import zhApprovals from "./locales/zh-CN/approvals";
import zhViewer from "./locales/zh-CN/viewer";
import enFloor from "./locales/en/floor";
import zhFloor from "./locales/zh-CN/floor";
import enWork from "./locales/en/work";
import zhWork from "./locales/zh-CN/work";
import enAdmin from "./locales/en/admin";
import zhAdmin from "./locales/zh-CN/admin";
import enBoard from "./locales/en/board";
import zhBoard from "./locales/zh-CN/board";
import enQuality from "./locales/en/quality";
import zhQuality from "./locales/zh-CN/quality";
import enPay from "./locales/en/pay";
import zhPay from "./locales/zh-CN/pay";
import enStaffing from "./locales/en/staffing";
import zhStaffing from "./locales/zh-CN/staffing";
import enTreasury from "./locales/en/treasury";
import zhTreasury from "./locales/zh-CN/treasury";
import enBank from "./locales/en/bank";
import zhBank from "./locales/zh-CN/bank";
import enReconciliation from "./locales/en/reconciliation";
import zhReconciliation from "./locales/zh-CN/reconciliation";
import enRematch from "./locales/en/rematch";
import zhRematch from "./locales/zh-CN/rematch";
import enSettlement from "./locales/en/settlement";
import zhSettlement from "./locales/zh-CN/settlement";
import enBudgets from "./locales/en/budgets";
import zhBudgets from "./locales/zh-CN/budgets";
import enLedger from "./locales/en/ledger";
import zhLedger from "./locales/zh-CN/ledger";
import enArchiveNav from "./locales/en/archive-nav";
import zhArchiveNav from "./locales/zh-CN/archive-nav";
import enPaper from "./locales/en/paper";
import zhPaper from "./locales/zh-CN/paper";
import enArchiveBoxes from "./locales/en/archive-boxes";
import zhArchiveBoxes from "./locales/zh-CN/archive-boxes";
import enArchive from "./locales/en/archive";
import zhArchive from "./locales/zh-CN/archive";
import enRetention from "./locales/en/retention";
import zhRetention from "./locales/zh-CN/retention";
import enArchiveAccess from "./locales/en/archive-access";
import zhArchiveAccess from "./locales/zh-CN/archive-access";
import enCoverSheet from "./locales/en/cover-sheet";
import zhCoverSheet from "./locales/zh-CN/cover-sheet";
import enPaperCheck from "./locales/en/paper-check";
import zhPaperCheck from "./locales/zh-CN/paper-check";
import enReading from "./locales/en/reading";
import zhReading from "./locales/zh-CN/reading";

export const resources = {
  en: { common: enCommon, claims: enClaims, viewer: enViewer, approvals: enApprovals, floor: enFloor, work: enWork, admin: enAdmin, board: enBoard, quality: enQuality, pay: enPay, staffing: enStaffing, treasury: enTreasury, reconciliation: enReconciliation, bank: enBank, rematch: enRematch, settlement: enSettlement, budgets: enBudgets, ledger: enLedger, coverSheet: enCoverSheet, archiveNav: enArchiveNav, paper: enPaper, archiveBoxes: enArchiveBoxes, archive: enArchive, retention: enRetention, archiveAccess: enArchiveAccess, paperCheck: enPaperCheck, reading: enReading },
  "zh-CN": { common: zhCommon, claims: zhClaims, viewer: zhViewer, approvals: zhApprovals, floor: zhFloor, work: zhWork, admin: zhAdmin, board: zhBoard, quality: zhQuality, pay: zhPay, staffing: zhStaffing, treasury: zhTreasury, reconciliation: zhReconciliation, bank: zhBank, rematch: zhRematch, settlement: zhSettlement, budgets: zhBudgets, ledger: zhLedger, coverSheet: zhCoverSheet, archiveNav: zhArchiveNav, paper: zhPaper, archiveBoxes: zhArchiveBoxes, archive: zhArchive, retention: zhRetention, archiveAccess: zhArchiveAccess, paperCheck: zhPaperCheck, reading: zhReading },
} as const;
