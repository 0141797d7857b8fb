import type { Routes } from "../http/access.ts";

export function peopleRoutes(_r: Routes): void {}
