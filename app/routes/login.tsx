import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data as withStatus, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { signIn } from "~/models/sign-in.server";
import { getOptionalUser, safeRedirect } from "~/utils/auth.server";
import { clientFacts } from "~/utils/client.server";

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
  const form = Object.fromEntries(await request.formData());
  const parsed = LoginSchema.safeParse(form);
  if (!parsed.success) return { error: "required" as const };
  const result = await signIn({
    email: parsed.data.email,
    password: parsed.data.password,
    client: clientFacts(request, context),
    previousCookie: request.headers.get("Cookie"),
  });
  if (!result.ok) {
    if (result.code === "invalid") return { error: "invalid" as const };
    const seconds = Math.max(1, Math.ceil((result.retryAt.getTime() - Date.now()) / 1000));
    const error = result.code === "locked" ? ("locked" as const) : ("tooMany" as const);
    return withStatus({ error, seconds }, { status: 429, headers: { "Retry-After": String(seconds) } });
  }
  return redirect(safeRedirect(parsed.data.redirectTo), { headers: { "Set-Cookie": result.setCookie } });
}

export default function Login() {
  const { t } = useTranslation();
  const data = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const error = data?.error;
  const seconds = data && "seconds" in data ? data.seconds : undefined;
  const minutes = seconds === undefined ? undefined : Math.ceil(seconds / 60);
  return (
    <div className="auth-card">
      <h1>{t("login.title")}</h1>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <label className="field">
          <span>{t("login.email")}</span>
          <input name="email" type="email" autoComplete="username" required autoFocus />
        </label>
        <label className="field">
          <span>{t("login.password")}</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error === "locked" ? t("login.locked", { minutes }) : error === "tooMany" && seconds !== undefined ? t("login.wait", { seconds }) : t(`login.${error}`)}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" disabled={navigation.state === "submitting"}>
          {t("login.submit")}
        </button>
      </Form>
    </div>
  );
}
