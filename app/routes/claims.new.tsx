import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { OrgFields } from "~/components/org-fields";
import { RouteError } from "~/components/route-error";
import { ClaimCommandError, createDraft } from "~/models/claim-commands.server";
import { getClaimFormOptions } from "~/models/org.server";
import { requireUser } from "~/utils/auth.server";

export const meta: MetaFunction = () => [{ title: "New claim · Accounting Factory" }];

const NewClaimSchema = z.object({
  purpose: z.string().trim().max(500, "too_long"),
  companyId: z.string().min(1, "required"),
  departmentId: z.string().min(1, "required"),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // Only what the profile allows: the own department and further memberships (the action checks it again).
  const options = await getClaimFormOptions({ forUserId: user.id });
  return { options, companyId: user.companyId, departmentId: user.departmentId };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const parsed = NewClaimSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    return { errors: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])) };
  }
  try {
    const claim = await createDraft({ viewer: user, ...parsed.data });
    return redirect(`/claims/${claim.id}/edit`);
  } catch (err) {
    if (err instanceof ClaimCommandError) return { errors: err.fieldErrors };
    throw err;
  }
}

export default function NewClaim() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const navigation = useNavigation();
  const { t } = useTranslation("claims");
  return (
    <div className="card narrow">
      <h1>{t("new.title")}</h1>
      <p className="muted">{t("new.intro")}</p>
      <Form method="post" className="stack">
        <label className="field">
          <span>{t("field.purpose")}</span>
          <input name="purpose" maxLength={500} placeholder={t("field.purposePlaceholder")} autoFocus aria-invalid={errors.purpose ? true : undefined} />
          {errors.purpose ? <p className="field-error">{t(`error.${errors.purpose}`)}</p> : null}
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
