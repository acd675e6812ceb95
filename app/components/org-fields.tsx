import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { ClaimFormOptions } from "~/contracts/claim";
import { localName } from "~/utils/format";
import { FieldError } from "./field-error";

/** Company and department selects; the department list follows the chosen company. */
export function OrgFields({
  options,
  companyId,
  departmentId,
  errors,
}: {
  options: Pick<ClaimFormOptions, "companies">;
  companyId: string;
  departmentId: string;
  /** The form's errors by field name (Conform's `form.allErrors`). */
  errors?: Record<string, readonly string[] | undefined>;
}) {
  const { t, i18n } = useTranslation("claims");
  const [company, setCompany] = useState(companyId);
  const [department, setDepartment] = useState(departmentId);
  const departments = options.companies.find((c) => c.id === company)?.departments ?? [];
  return (
    <>
      <label className="field">
        <span>{t("field.company")}</span>
        <select
          name="companyId"
          value={company}
          onChange={(e) => {
            setCompany(e.target.value);
            const first = options.companies.find((c) => c.id === e.target.value)?.departments[0];
            setDepartment(first?.id ?? "");
          }}
          aria-invalid={errors?.companyId ? true : undefined}
        >
          {options.companies.map((c) => (
            <option key={c.id} value={c.id}>
              {localName(c, i18n.language)} ({c.currency})
            </option>
          ))}
        </select>
        <FieldError errors={errors?.companyId} name="companyId" ns="claims" prefix="error" />
      </label>
      <label className="field">
        <span>{t("field.department")}</span>
        <select
          name="departmentId"
          value={department}
          onChange={(e) => setDepartment(e.target.value)}
          aria-invalid={errors?.departmentId ? true : undefined}
        >
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {localName(d, i18n.language)}
            </option>
          ))}
        </select>
        <FieldError errors={errors?.departmentId} name="departmentId" ns="claims" prefix="error" />
      </label>
    </>
  );
}
