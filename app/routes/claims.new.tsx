import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { FieldError } from "~/components/field-error";
import { OrgFields } from "~/components/org-fields";
import { RouteError } from "~/components/route-error";
import { isAppError } from "~/domain/app-error";
import { claimFieldErrors, claimFormResult, ClaimFormSchema, type ClaimFormReply } from "~/domain/claim-input";
import { createDraft } from "~/models/claim-commands.server";
import { getClaimFormOptions } from "~/models/org.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "New claim · Accounting Factory" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Only what the profile allows: the own department and further memberships (the action checks it again).
  const options = await getClaimFormOptions({ forUserId: user.id });
  return { options, companyId: user.companyId, departmentId: user.departmentId };
}

/** The claim form's header (ClaimFormSchema; a new draft has no lines yet). */
export async function action({ request }: ActionFunctionArgs): Promise<ClaimFormReply | Response> {
  const user = await requireUser(request);
  const submission = parseForm(await request.formData(), ClaimFormSchema);
  if (submission.status !== "success") return { errors: claimFieldErrors(submission.error) };
  const { purpose, companyId, departmentId } = submission.value.input;
  try {
    const claim = await createDraft({ viewer: user, purpose, companyId, departmentId });
    return redirect(`/claims/${claim.id}/edit`);
  } catch (err) {
    if (isAppError(err, "invalid")) return { errors: err.fieldErrors };
    throwAsResponse(err);
  }
}

export default function NewClaim() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [form] = useForm({
    // One object per reply: Conform reports a new lastResult each time it changes identity.
    lastResult: useMemo(() => claimFormResult(result), [result]),
    onValidate: ({ formData }) => parseForm(formData, ClaimFormSchema),
    shouldValidate: "onSubmit",
  });
  const errors = form.allErrors;
  const navigation = useNavigation();
  const { t } = useTranslation("claims");
  return (
    <div className="card narrow">
      <h1>{t("new.title")}</h1>
      <p className="muted">{t("new.intro")}</p>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <label className="field">
          <span>{t("field.purpose")}</span>
          <input name="purpose" maxLength={500} placeholder={t("field.purposePlaceholder")} autoFocus aria-invalid={errors.purpose ? true : undefined} />
          <FieldError errors={errors.purpose} name="purpose" ns="claims" prefix="error" />
        </label>
        <div className="grid-2">
          <OrgFields options={data.options} companyId={data.companyId} departmentId={data.departmentId} errors={errors} />
        </div>
        <div>
          <button type="submit" className="button button-primary" disabled={navigation.state !== "idle"}>
            {t("new.create")}
          </button>
        </div>
      </Form>
    </div>
  );
}

export const ErrorBoundary = RouteError;
