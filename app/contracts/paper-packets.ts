/** A packet of paper originals as the packet page and the manifest PDF show it (issue 12). Plain data. */
import type { PaperStatus } from "~/domain/paper-trail";
import type { PacketStatus } from "~/domain/paper-desk";

export type PacketCompany = { id: string; code: string; name: string; nameZh: string };

export type PacketItemView = {
  claimId: string;
  claimNumber: string;
  claimant: string;
  purpose: string;
  receiptCount: number;
  paperStatus: PaperStatus | null;
  /** Ticked at the desk in this packet. */
  received: boolean;
  missingReceipts: number[];
};

export type PacketDetail = {
  id: string;
  code: string;
  serial: number;
  status: PacketStatus;
  company: PacketCompany;
  origin: string;
  createdBy: string;
  createdAt: string;
  carrier: string | null;
  trackingNumber: string | null;
  sentBy: string | null;
  sentAt: string | null;
  receivingAt: string | null;
  closedBy: string | null;
  closedAt: string | null;
  canEdit: boolean;
  items: PacketItemView[];
  discrepancies: { id: string; claimNumber: string; kind: string; missingReceipts: number[]; resendDueOn: string | null; resolvedAt: string | null }[];
};
