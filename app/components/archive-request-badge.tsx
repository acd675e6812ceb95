import { useTranslation } from "react-i18next";
import type { ArchiveRequestDisplayStatus } from "~/domain/archive-access";

const TONE: Record<ArchiveRequestDisplayStatus, string> = {
  REQUESTED: "badge-SUBMITTED",
  APPROVED: "badge-APPROVED",
  RETURNED: "badge-APPROVED",
  ON_LOAN: "badge-PROCESSING",
  REFUSED: "badge-REJECTED",
  OVERDUE: "badge-REJECTED",
  EXPIRED: "badge-WITHDRAWN",
  REVOKED: "badge-WITHDRAWN",
};

/** A loan or access request's status as a badge (EXPIRED and OVERDUE are derived by the domain). */
export function ArchiveRequestBadge({ status }: { status: ArchiveRequestDisplayStatus }) {
  const { t } = useTranslation("archiveAccess");
  return (
    <span className={`badge ${TONE[status]}`} data-testid="request-status" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
