import type { Routes } from "../http/access.ts";

export function resetRoutes(_r: Routes): void {}
