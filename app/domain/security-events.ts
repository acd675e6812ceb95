/** The audit-log event types that make up the security log (/admin/security). */
export const SECURITY_EVENT_TYPES = [
  "auth.signed_in",
  "auth.sign_in_failed",
  "auth.sign_in_refused",
  "auth.locked",
  "auth.signed_out",
  "auth.signed_out_everywhere",
  "auth.session_ended",
  "user.deactivated",
  "user.reactivated",
  "user.roles_changed",
  "user.companies_changed",
] as const;

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];
