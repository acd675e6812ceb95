import { useTranslation } from "react-i18next";
import { useModalDialog } from "./use-modal-dialog";
import { WORKSTATION_SHORTCUTS } from "./workstation-shortcuts";

/** The workstation's keyboard help (QA words where a QA check reads them differently). */
export function WorkstationHelpDialog({ open, onClose, qa }: { open: boolean; onClose: () => void; qa: boolean }) {
  const { t } = useTranslation("work");
  const { t: tq } = useTranslation("quality");
  const ref = useModalDialog(open);
  return (
    <dialog ref={ref} className="ws-help" onClose={onClose} aria-labelledby="ws-help-title">
      <h2 id="ws-help-title">{t("help.title")}</h2>
      <table className="ws-help-table">
        <tbody>
          {WORKSTATION_SHORTCUTS.map((s) => (
            <tr key={s.action}>
              <th>
                {s.labels.map((l) => (
                  <kbd key={l}>{l}</kbd>
                ))}
              </th>
              <td>{qa ? tq(`help.${s.action}`, { defaultValue: t(`help.${s.action}`) }) : t(`help.${s.action}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t("help.typing")}</p>
      <button type="button" className="button" onClick={onClose}>
        {t("help.close")}
      </button>
    </dialog>
  );
}
