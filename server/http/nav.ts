import type { Access } from "./access.ts";

/** A link in the main navigation, shown to viewers the access rule allows. */
export interface NavItem {
  href: string;
  label: string;
  access: Access;
  /** Lower comes first. Core uses 0–99 and 900+; plugins sit between. */
  order: number;
  /**
   * "main" for the primary nav, "admin" for the admin section, "team" for a link on each team's
   * page, whose href has ":teamId" where the team's id goes.
   */
  section: "main" | "admin" | "team";
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
  { href: "/admin/webhooks", label: "Webhooks", access: "admin", order: 952, section: "admin" },
  { href: "/admin/backups", label: "Backups", access: "admin", order: 955, section: "admin" },
  { href: "/admin/audit", label: "Audit log", access: "admin", order: 960, section: "admin" },
  { href: "/teams/:teamId/chat", label: "Chat channels", access: "member", order: 95, section: "team" },
  { href: "/admin/sso", label: "Single sign-on", access: "admin", order: 970, section: "admin" },
  { href: "/admin/slack", label: "Slack", access: "admin", order: 975, section: "admin" },
];

/** The "team" section's links for one team, with the team's id in place of ":teamId". */
export function teamLinks(nav: NavItem[], teamId: string, visible: (item: NavItem) => boolean): NavItem[] {
  return nav
    .filter((item) => item.section === "team" && visible(item))
    .sort((a, b) => a.order - b.order)
    .map((item) => ({ ...item, href: item.href.replaceAll(":teamId", encodeURIComponent(teamId)) }));
}
