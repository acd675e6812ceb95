/** The roles of the application (a user holds one or more). */
export const ROLES = ["EMPLOYEE", "MANAGER", "ACCOUNTANT", "QA", "ARCHIVIST", "SUPERVISOR", "ADMIN", "TREASURY"] as const;
export type Role = (typeof ROLES)[number];
