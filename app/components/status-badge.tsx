import { useTranslation } from "react-i18next";
import type { ClaimStatus } from "~/domain/claim-machine";

export function StatusBadge({ status }: { status: ClaimStatus }) {
  const { t } = useTranslation("claims");
  return <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}
