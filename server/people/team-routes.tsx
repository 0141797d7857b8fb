import type { Routes } from "../http/access.ts";

export function teamRoutes(_r: Routes): void {}
