import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps, useForm, type Submission } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FieldError } from "~/components/field-error";
import { BudgetRefusal } from "~/components/budget-refusal";
import { ClaimReturnNotice } from "~/components/claim-return-notice";
import { DuplicateInvoiceRefusal } from "~/components/duplicate-invoice-refusal";
import { LineProposalCard } from "~/components/line-proposal";
import { LinesEditor } from "~/components/lines-editor";
import { OrgFields } from "~/components/org-fields";
import { ReceiptPanel } from "~/components/receipt-panel";
import { RouteError } from "~/components/route-error";
import { StatusBadge } from "~/components/status-badge";
import { usePollWhile } from "~/components/use-poll-while";
import { isAppError } from "~/domain/app-error";
import { budgetExceededCells, claimFieldErrors, duplicateInvoiceRows, claimFormResult, ClaimFormSchema, exceedsLineIndex, type ClaimFormReply } from "~/domain/claim-input";
import { minorToDecimalString } from "~/domain/money";
import type { LineProposal } from "~/domain/receipt-proposal";
import { assertReceiptsEditable, discardDraft, dismissProposal, saveClaim } from "~/models/claim-commands.server";
import { listLineProposals } from "~/models/line-proposal.server";
import { getClaimDetail } from "~/models/claim.server";
import { latestReturnNotice } from "~/models/claim-return.server";
import { getClaimFormOptions, lineCurrencies } from "~/models/org.server";
import { throwAsResponse } from "~/utils/app-error.server";
import { requireUser } from "~/utils/auth.server";
import { env } from "~/utils/env.server";
import { parseForm } from "~/utils/forms";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.claim.number ?? ""} · Accounting Factory` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  // The claimant's choices (their profile) are the viewer's own: read beside the claim, not after it.
  const [claim, options] = await Promise.all([getClaimDetail({ claimId: params.claimId ?? "", viewer: user }), getClaimFormOptions({ forUserId: user.id })]);
  if (!claim || !claim.isClaimant) throw new Response("Not found", { status: 404 });
  if (!claim.canEdit) throw redirect(`/claims/${claim.id}`);
  // A claim whose department is no longer among the claimant's choices shows the first one.
  const offered = options.companies.some((c) => c.id === claim.company.id && c.departments.some((d) => d.id === claim.department.id));
  const first = options.companies[0];
  const org = offered || !first ? { companyId: claim.company.id, departmentId: claim.department.id } : { companyId: first.id, departmentId: first.departments[0]?.id ?? "" };
  // Issue 14: lines the receipts' readings propose (none for a receipt a line already uses).
  const [returnNotice, proposals] = await Promise.all([claim.status === "RETURNED" ? latestReturnNotice(claim.id) : null, listLineProposals(claim.id)]);
  return {
    proposals,
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

/** Discarding a draft reads no field: whatever the form holds, it goes. */
const DiscardSchema = z.object({ intent: z.literal("discard") });

/** The edit form's one parse, in the browser (`onValidate`) and in the action. */
function parseClaimSubmission(formData: FormData): Submission<z.output<typeof DiscardSchema> | z.output<typeof ClaimFormSchema>> {
  return formData.get("intent") === "discard" ? parseForm(formData, DiscardSchema) : parseForm(formData, ClaimFormSchema);
}

export async function action({ request, params }: ActionFunctionArgs): Promise<ClaimFormReply | Response> {
  const user = await requireUser(request);
  const claimId = params.claimId ?? "";
  try {
    // The claimant and an editable claim, before the form is read (checked again inside the saving transaction).
    await assertReceiptsEditable({ viewer: user, claimId });
    const formData = await request.formData();
    if (formData.get("intent") === "dismiss_proposal") {
      await dismissProposal({ viewer: user, claimId, receiptId: String(formData.get("receiptId") ?? "") });
      return { errors: {} };
    }
    if (exceedsLineIndex(formData.keys())) return { errors: { lines: "too_many" }, formError: "fix" };
    const submission = parseClaimSubmission(formData);
    if (submission.status !== "success") return { errors: claimFieldErrors(submission.error), formError: "fix" };
    if (submission.value.intent === "discard") {
      await discardDraft({ viewer: user, claimId });
      return redirect("/claims");
    }
    const { intent, version, input } = submission.value;
    // Issue 14: the proposal's button sends the whole form (unsaved edits too) with the receipt it reads.
    const acceptProposal = formData.get("acceptProposal");
    if (typeof acceptProposal === "string" && acceptProposal !== "") {
      await saveClaim({ viewer: user, claimId, version, input, submit: false, acceptProposal });
      return redirect(`/claims/${claimId}/edit?added=${encodeURIComponent(acceptProposal)}`);
    }
    const submit = intent === "submit";
    await saveClaim({ viewer: user, claimId, version, input, submit });
    return redirect(submit ? `/claims/${claimId}` : `/claims/${claimId}/edit?saved=1`);
  } catch (err) {
    if (isAppError(err, "stale", "not_editable", "proposal_gone", "proposal_incomplete")) return { errors: {}, formError: err.code };
    // The hard stop (the budget ledger's refusal on submit): the numbers per cell, shown above the form.
    if (isAppError(err, "budget_exceeded")) return { errors: {}, formError: "budget_exceeded", budgetCells: budgetExceededCells(err.details) };
    // Issue 14: an invoice another claim holds (one invoice, one payment).
    if (isAppError(err, "duplicate_invoice")) return { errors: {}, formError: "duplicate_invoice", duplicateInvoices: duplicateInvoiceRows(err.details) };
    if (isAppError(err, "invalid")) return { errors: err.fieldErrors, formError: "fix" };
    throwAsResponse(err);
  }
}

const FORM_ID = "claim-form";

type LineFormPrefill = { spentOn: string; categoryCode: string; merchant: string; amount: string; currency: string; receiptIds: string[] };

/** A proposal as the line form's fields (what was not read stays empty for the claimant to fill). */
function prefillFrom(p: LineProposal): LineFormPrefill {
  return {
    spentOn: p.spentOn?.value ?? "",
    categoryCode: p.categoryCode?.value ?? "",
    merchant: p.merchant?.value ?? "",
    amount: minorToDecimalString(p.amountMinor.value, p.currency.value),
    currency: p.currency.value,
    receiptIds: [p.receiptId],
  };
}

export default function EditClaim() {
  const { claim, org, options, currencies, maxUploadMb, maxPdfPages, returnNotice, timeZone, proposals } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("claims");
  const [form] = useForm({
    id: FORM_ID,
    // One object per reply: Conform reports a new lastResult each time it changes identity.
    lastResult: useMemo(() => claimFormResult(result), [result]),
    onValidate: ({ formData }) => parseClaimSubmission(formData),
    shouldValidate: "onSubmit",
  });
  const errors = form.allErrors;
  const formError = result?.formError ?? (Object.keys(errors).length > 0 ? "fix" : undefined);
  const busy = navigation.state !== "idle";
  // While a receipt is imaged, and after that while it is read (its proposed line comes from the reading).
  usePollWhile(claim.receipts.some((r) => r.status === "PROCESSING" || r.readingPending));
  const [params] = useSearchParams();
  const saved = !result && params.has("saved");
  const addedFrom = !result ? claim.receipts.find((r) => r.id === params.get("added")) : undefined;
  const lineLabels = new Map(claim.lines.map((l, i) => [l.id, `${i + 1}`]));
  // Issue 14: a proposal being corrected opens in the line form and leaves the list (until saved or discarded).
  const [correcting, setCorrecting] = useState<{ seq: number; receiptId: string; line: LineFormPrefill } | undefined>(undefined);
  const proposalByReceipt = new Map(proposals.filter((p) => p.receiptId !== correcting?.receiptId).map((p) => [p.receiptId, p]));
  const correct = (p: LineProposal) =>
    setCorrecting((c) => ({ seq: (c?.seq ?? 0) + 1, receiptId: p.receiptId, line: prefillFrom(p) }));
  const unreadable = claim.receipts.filter((r) => r.captureProblems.length > 0).length;
  return (
    <>
      <div className="page-head">
        <h1>
          {t("edit.title", { number: claim.number })} <StatusBadge status={claim.status} />
        </h1>
        <Link to={`/claims/${claim.id}`}>{claim.number}</Link>
      </div>
      {returnNotice ? <ClaimReturnNotice notice={returnNotice} timeZone={timeZone} /> : null}
      {formError === "budget_exceeded" ? (
        <BudgetRefusal cells={result?.budgetCells ?? []} options={options} />
      ) : formError === "duplicate_invoice" ? (
        <DuplicateInvoiceRefusal rows={result?.duplicateInvoices ?? []} receipts={claim.receipts} />
      ) : formError ? (
        <p className="form-error" role="alert" data-testid="form-error">
          {t(
            formError === "fix"
              ? "edit.fixErrors"
              : formError === "stale"
                ? "edit.stale"
                : formError === "proposal_gone"
                  ? "proposal.gone"
                  : formError === "proposal_incomplete"
                    ? "proposal.incompleteError"
                    : "edit.notEditable",
          )}
        </p>
      ) : saved ? (
        <p className="notice" role="status">{t("edit.saved")}</p>
      ) : addedFrom ? (
        <p className="notice" role="status" data-testid="proposal-added">{t("proposal.added", { fileName: addedFrom.fileName })}</p>
      ) : null}
      <Form method="post" className="card stack" {...getFormProps(form)}>
        <input type="hidden" name="version" value={claim.version} />
        <label className="field">
          <span>{t("field.purpose")}</span>
          <input name="purpose" defaultValue={claim.purpose} maxLength={500} placeholder={t("field.purposePlaceholder")} aria-invalid={errors.purpose ? true : undefined} />
          <FieldError errors={errors.purpose} name="purpose" ns="claims" prefix="error" />
        </label>
        <div className="grid-2">
          <OrgFields options={options} companyId={org.companyId} departmentId={org.departmentId} errors={errors} />
        </div>
        <label className="field" style={{ maxWidth: "16rem" }}>
          <span>{t("claimForm.projectCode", { ns: "budgets" })}</span>
          <input name="projectCode" defaultValue={claim.projectCode ?? ""} maxLength={32} placeholder={t("claimForm.projectHint", { ns: "budgets" })} aria-invalid={errors.projectCode ? true : undefined} />
          <FieldError errors={errors.projectCode} name="projectCode" ns="claims" prefix="error" />
        </label>
      </Form>
      <ReceiptPanel
        claimId={claim.id}
        receipts={claim.receipts}
        lineLabels={lineLabels}
        editable
        maxUploadMb={maxUploadMb}
        maxPdfPages={maxPdfPages}
        timeZone={timeZone}
        aside={(r) => {
          const p = proposalByReceipt.get(r.id);
          if (p) return <LineProposalCard proposal={p} source={p.source} formId={FORM_ID} categories={options.categories} busy={busy} onCorrect={correct} />;
          return r.readingPending && r.lineIds.length === 0 ? (
            <p className="muted small" role="status" data-testid="receipt-reading">
              {t("proposal.reading")}
            </p>
          ) : null;
        }}
      />
      {proposalByReceipt.size > 0 ? <p className="muted small" data-testid="proposal-hint">{t("proposal.hint")}</p> : null}
      <LinesEditor
        key={claim.version}
        formId={FORM_ID}
        initial={claim.lines}
        receipts={claim.receipts}
        categories={options.categories}
        currencies={currencies}
        defaultCurrency={claim.company.currency}
        errors={errors}
        prefill={correcting}
      />
      {unreadable > 0 ? (
        <p className="callout-warn" role="note" data-testid="capture-submit-warning">{t("capture.submitWarning", { count: unreadable })}</p>
      ) : null}
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
