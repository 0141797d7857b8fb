import type { Access } from "./access.ts";

/** A link in the main navigation, shown to viewers the access rule allows. */
export interface NavItem {
  href: string;
  label: string;
  access: Access;
  /** Lower comes first. Core uses 0–99 and 900+; plugins sit between. */
  order: number;
  /** "main" for the primary nav, "admin" for the admin section. */
  section: "main" | "admin";
  /** False hides the item (its plugin is disabled). */
  enabled?: () => boolean;
}

export const coreNav: NavItem[] = [
  { href: "/", label: "Home", access: "signed-in", order: 0, section: "main" },
  { href: "/teams", label: "Teams", access: "signed-in", order: 5, section: "main" },
  { href: "/admin/people", label: "People", access: "admin", order: 900, section: "admin" },
  { href: "/admin/teams", label: "Manage teams", access: "admin", order: 910, section: "admin" },
  { href: "/admin/invites", label: "Invites", access: "admin", order: 920, section: "admin" },
  { href: "/admin/plugins", label: "Plugins", access: "admin", order: 930, section: "admin" },
  { href: "/admin/jobs", label: "Jobs", access: "admin", order: 940, section: "admin" },
  { href: "/admin/mail", label: "Mail", access: "admin", order: 950, section: "admin" },
  { href: "/admin/audit", label: "Audit log", access: "admin", order: 960, section: "admin" },
  { href: "/admin/sso", label: "Single sign-on", access: "admin", order: 970, section: "admin" },
];
