import type { Routes } from "../http/access.ts";

export function mailRoutes(_r: Routes): void {}
