import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ClaimReturnNotice } from "~/components/claim-return-notice";
import { LinesEditor } from "~/components/lines-editor";
import { OrgFields } from "~/components/org-fields";
import { ReceiptPanel } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { usePollWhile } from "~/components/use-poll-while";
import { parseClaimForm, type FieldErrors } from "~/domain/claim-input";
import { assertReceiptsEditable, ClaimCommandError, discardDraft, saveClaim } from "~/models/claim-commands.server";
import { getClaimDetail } from "~/models/claim.server";
import { latestReturnNotice } from "~/models/claim-return.server";
import { getClaimFormOptions, lineCurrencies } from "~/models/org.server";
import { requireUser } from "~/utils/auth.server";
import { env } from "~/utils/env.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.claim.number ?? ""} · Accounting Factory` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const claim = await getClaimDetail({ claimId: params.claimId ?? "", viewer: user });
  if (!claim || !claim.isClaimant) throw new Response("Not found", { status: 404 });
  if (!claim.canEdit) throw redirect(`/claims/${claim.id}`);
  // The claimant's choices (their profile); a claim whose department is no longer among them shows the first one.
  const options = await getClaimFormOptions({ forUserId: user.id });
  const offered = options.companies.some((c) => c.id === claim.company.id && c.departments.some((d) => d.id === claim.department.id));
  const first = options.companies[0];
  const org = offered || !first ? { companyId: claim.company.id, departmentId: claim.department.id } : { companyId: first.id, departmentId: first.departments[0]?.id ?? "" };
  const returnNotice = claim.status === "RETURNED" ? await latestReturnNotice(claim.id) : null;
  return {
    returnNotice,
    timeZone: user.timeZone,
    claim,
    org,
    options,
    currencies: lineCurrencies(options.companies.map((c) => c.currency)),
    maxUploadMb: Math.floor(env.MAX_UPLOAD_BYTES / (1024 * 1024)),
    maxPdfPages: env.MAX_PDF_PAGES,
  };
}

type ActionResult = { errors: FieldErrors; formError?: "stale" | "not_editable" | "fix" };

export async function action({ request, params }: ActionFunctionArgs): Promise<ActionResult | Response> {
  const user = await requireUser(request);
  const claimId = params.claimId ?? "";
  try {
    // The claimant and an editable claim, before the form is read (checked again inside the saving transaction).
    await assertReceiptsEditable({ viewer: user, claimId });
    const form = await request.formData();
    const intent = String(form.get("intent") ?? "save");
    if (intent === "discard") {
      await discardDraft({ viewer: user, claimId });
      return redirect("/claims");
    }
    const entries = [...form.entries()].filter((e): e is [string, string] => typeof e[1] === "string");
    const parsed = parseClaimForm(entries);
    if (!parsed.ok) return { errors: parsed.errors, formError: "fix" };
    const version = Number(form.get("version"));
    const submit = intent === "submit";
    await saveClaim({ viewer: user, claimId, version, input: parsed.value, submit });
    return redirect(submit ? `/claims/${claimId}` : `/claims/${claimId}/edit?saved=1`);
  } catch (err) {
    if (!(err instanceof ClaimCommandError)) throw err;
    if (err.code === "not_found") throw new Response("Not found", { status: 404 });
    if (err.code === "stale" || err.code === "not_editable") return { errors: {}, formError: err.code };
    return { errors: err.fieldErrors, formError: "fix" };
  }
}

const FORM_ID = "claim-form";

export default function EditClaim() {
  const { claim, org, options, currencies, maxUploadMb, maxPdfPages, returnNotice, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("claims");
  const errors = result?.errors ?? {};
  const busy = navigation.state !== "idle";
  usePollWhile(claim.receipts.some((r) => r.status === "PROCESSING"));
  const [params] = useSearchParams();
  const saved = !result && params.has("saved");
  const lineLabels = new Map(claim.lines.map((l, i) => [l.id, `${i + 1}`]));
  return (
    <>
      <div className="page-head">
        <h1>
          {t("edit.title", { number: claim.number })} <StatusBadge status={claim.status} />
        </h1>
        <Link to={`/claims/${claim.id}`}>{claim.number}</Link>
      </div>
      {returnNotice ? <ClaimReturnNotice notice={returnNotice} timeZone={timeZone} /> : null}
      {result?.formError ? (
        <p className="form-error" role="alert" data-testid="form-error">
          {t(result.formError === "fix" ? "edit.fixErrors" : result.formError === "stale" ? "edit.stale" : "edit.notEditable")}
        </p>
      ) : saved ? (
        <p className="notice" role="status">{t("edit.saved")}</p>
      ) : null}
      <Form id={FORM_ID} method="post" className="card stack" noValidate>
        <input type="hidden" name="version" value={claim.version} />
        <label className="field">
          <span>{t("field.purpose")}</span>
          <input name="purpose" defaultValue={claim.purpose} maxLength={500} placeholder={t("field.purposePlaceholder")} aria-invalid={errors.purpose ? true : undefined} />
          {errors.purpose ? <p className="field-error">{t(`error.${errors.purpose}`)}</p> : null}
        </label>
        <div className="grid-2">
          <OrgFields options={options} companyId={org.companyId} departmentId={org.departmentId} errors={errors} />
        </div>
      </Form>
      <ReceiptPanel claimId={claim.id} receipts={claim.receipts} lineLabels={lineLabels} editable maxUploadMb={maxUploadMb} maxPdfPages={maxPdfPages} timeZone={timeZone} />
      <LinesEditor
        key={claim.version}
        formId={FORM_ID}
        initial={claim.lines}
        receipts={claim.receipts}
        categories={options.categories}
        currencies={currencies}
        defaultCurrency={claim.company.currency}
        errors={errors}
      />
      <div className="action-bar">
        {claim.status === "DRAFT" ? (
          <button
            type="submit"
            form={FORM_ID}
            name="intent"
            value="discard"
            className="button button-danger"
            formNoValidate
            onClick={(e) => {
              if (!window.confirm(t("edit.discardConfirm"))) e.preventDefault();
            }}
          >
            {t("edit.discard")}
          </button>
        ) : null}
        <span className="spacer" />
        <button type="submit" form={FORM_ID} name="intent" value="save" className="button" disabled={busy}>
          {t("edit.saveDraft")}
        </button>
        <button type="submit" form={FORM_ID} name="intent" value="submit" className="button button-primary" disabled={busy}>
          {claim.status === "RETURNED" ? t("edit.resubmit") : t("edit.submit")}
        </button>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteError;
