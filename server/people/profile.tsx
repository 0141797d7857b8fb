import type { Routes } from "../http/access.ts";

export function profileRoutes(_r: Routes): void {}
