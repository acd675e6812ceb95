import { useTranslation } from "react-i18next";
import { useModalDialog } from "./use-modal-dialog";
import { SHORTCUTS } from "./viewer-shortcuts";

/** The viewer's keyboard help: a modal dialog listing every shortcut (from the same table the key handler uses). */
export function ViewerHelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation("viewer");
  const ref = useModalDialog(open);
  return (
    <dialog
      ref={ref}
      className="viewer-help"
      aria-labelledby="viewer-help-title"
      data-testid="viewer-help"
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, outside its body) closes it.
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="viewer-help-body">
        <h2 id="viewer-help-title">{t("help.title")}</h2>
        <p className="viewer-help-intro">{t("help.intro")}</p>
        <table className="viewer-help-table">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <th scope="row">
                  {s.labels.map((k, i) => (
                    <span key={k}>
                      {i > 0 ? <span className="viewer-help-or"> {t("help.or")} </span> : null}
                      <kbd>{k}</kbd>
                    </span>
                  ))}
                </th>
                <td>{s.action === "toggleHelp" ? t("help.toggle") : s.action === "closeHelp" ? t("help.close") : t(`actions.${s.action}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="vt-button vt-button-wide" onClick={onClose} autoFocus>
          {t("actions.closeHelp")}
        </button>
      </div>
    </dialog>
  );
}
