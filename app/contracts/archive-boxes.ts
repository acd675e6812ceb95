/** Archive boxes, their contents and where a claim's originals are, as the screens and PDFs show them (issue 12). Plain data. */
import type { ArchiveDocumentType } from "~/domain/archive-numbering";
import type { LocationKind } from "~/domain/archive-boxes";
import type { PaperStatus } from "~/domain/paper-trail";

export type CompanyRef = { id: string; code: string; name: string; nameZh: string };

export type BoxRow = {
  id: string;
  label: string;
  company: CompanyRef;
  year: number;
  docType: ArchiveDocumentType;
  boxNo: number;
  status: "OPEN" | "CLOSED";
  capacity: number;
  filled: number;
  location: { id: string; code: string; name: string; nameZh: string; kind: LocationKind };
  createdAt: Date;
  closedAt: Date | null;
};

export type ContentRow = { position: number; positionLabel: string; claimId: string; claimNumber: string; claimant: string; totals: { minor: bigint; currency: string }[]; receivedAt: Date | null; filedAt: Date | null; submittedAt: Date | null };
export type MovementRow = { id: string; from: { code: string; name: string; nameZh: string } | null; to: { code: string; name: string; nameZh: string }; movedBy: string; movedAt: Date; note: string };

export type BoxDetail = BoxRow & { contents: ContentRow[]; movements: MovementRow[]; dateRange: { from: Date; to: Date } | null };

export type OriginalsWhereabouts = {
  status: PaperStatus;
  dueOn: string;
  receivedAt: Date | null;
  resendDueOn: string | null;
  packetCode: string | null;
  archived: { boxId: string; boxLabel: string; positionLabel: string; filedAt: Date | null; location: { code: string; name: string; nameZh: string; kind: LocationKind }; linkable: boolean } | null;
};
