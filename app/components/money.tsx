import { useTranslation } from "react-i18next";
import { formatMoney } from "~/domain/money";

/** An amount in minor units (as a string: loaders serialise bigint that way) in the reader's locale. */
export function Money({ minor, currency }: { minor: string; currency: string }) {
  const { i18n } = useTranslation();
  return <span className="num">{formatMoney({ minor: BigInt(minor), currency }, i18n.language)}</span>;
}
