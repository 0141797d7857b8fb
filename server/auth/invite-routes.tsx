import type { Routes } from "../http/access.ts";

export function inviteRoutes(_r: Routes): void {}
