import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { signIn } from "~/models/sign-in.server";
import { FieldError } from "~/components/field-error";
import { AppError } from "~/domain/app-error";
import { replyWithError } from "~/utils/app-error.server";
import { getOptionalUser, safeRedirect } from "~/utils/auth.server";
import { clientFacts } from "~/utils/client.server";
import { parseForm, replyDetails } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: "Sign in · Accounting Factory" }];

// A throttled sign-in tells the browser (and any script) when to come back.
export const headers: HeadersFunction = ({ actionHeaders }) => {
  const headers = new Headers();
  const retryAfter = actionHeaders.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

const LoginSchema = z.object({
  email: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(200),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseForm(await request.formData(), LoginSchema);
  if (submission.status !== "success") return submission.reply({ hideFields: ["password"] });
  const result = await signIn({
    email: submission.value.email,
    password: submission.value.password,
    client: clientFacts(request, context),
    previousCookie: request.headers.get("Cookie"),
  });
  if (!result.ok) {
    if (result.code === "invalid") return replyWithError(submission, new AppError("invalid", { status: 200 }), { hideFields: ["password"] });
    const seconds = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 1000));
    const code = result.code === "locked" ? "locked" : "wait";
    return replyWithError(submission, new AppError(code, { status: 429, details: { seconds } }), { headers: { "Retry-After": String(seconds) }, hideFields: ["password"] });
  }
  return redirect(safeRedirect(submission.value.redirectTo), { headers: { "Set-Cookie": result.setCookie } });
}

export default function Login() {
  const { t } = useTranslation();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseForm(formData, LoginSchema),
    shouldValidate: "onSubmit",
  });
  const { seconds } = replyDetails(lastResult) as { seconds?: number };
  const minutes = seconds === undefined ? undefined : Math.ceil(seconds / 60);
  return (
    <div className="auth-card">
      <h1>{t("login.title")}</h1>
      <Form method="post" className="stack" {...getFormProps(form)}>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <label className="field">
          <span>{t("login.email")}</span>
          <input {...getInputProps(fields.email, { type: "email" })} key={fields.email.key} autoComplete="username" autoFocus />
        </label>
        <label className="field">
          <span>{t("login.password")}</span>
          <input {...getInputProps(fields.password, { type: "password" })} key={fields.password.key} autoComplete="current-password" />
        </label>
        {fields.email.errors || fields.password.errors ? <FieldError errors={["required"]} prefix="login" /> : null}
        <FieldError errors={form.errors} id={form.errorId} prefix="login" values={{ minutes, seconds }} />
        <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
          {t("login.submit")}
        </button>
      </Form>
    </div>
  );
}
