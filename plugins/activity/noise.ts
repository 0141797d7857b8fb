import { randomBytes } from "node:crypto";

/**
 * The differential-privacy machinery of the team releases: the privacy budget, the Gaussian
 * mechanism, and an injectable source of randomness (tests pass a seeded one).
 *
 * Accounting is in zero-concentrated DP (ρ-zCDP, Bun & Steinke 2016): the Gaussian mechanism
 * with L2 sensitivity Δ and noise σ costs ρ = Δ² / (2σ²); the costs of several releases about
 * one person add up; and ρ-zCDP implies (ρ + 2·√(ρ·ln(1/δ)), δ)-DP for every δ > 0.
 */

/** A source of standard normal samples, N(0, 1). */
export type Noise = () => number;

/**
 * ρ one team's release of one week costs each person in it: 70 % for the whole-team figures,
 * 30 % for the time-zone slices (every person is in exactly one slice, so all slices together
 * cost their share once).
 */
export const RHO_PER_RELEASE = 1;
export const WHOLE_TEAM_SHARE = 0.7;
/** Most ρ one person may spend in one week across all their teams (two teams' releases). */
export const RHO_PER_PERSON_WEEK = 2;
/** δ used to state the budget as (ε, δ)-DP. */
export const DELTA = 1e-6;

/** How one figure set's ρ (the whole team's, or the slices') is shared among its statistics. */
export const RHO_SHARES = { heat: 0.7, category: 0.15, after: 0.075, people: 0.075 } as const;

/**
 * Contribution bounds (each person's data is clamped to them before summing, so the
 * sensitivity holds whatever a device sends):
 * - heat: person-hours per weekday × hour cell ≤ 1, and each person's 168-cell vector scaled
 *   down to an L2 norm ≤ √50 (50 fully active hours a week);
 * - category: each person's shares of top-level categories, summing to 1 (L2 ≤ 1);
 * - after: each person's after-hours share, 0–1; people: 1 per contributor.
 */
export const HEAT_L2_BOUND = Math.sqrt(50);
export const SENSITIVITY = { heat: HEAT_L2_BOUND, category: 1, after: 1, people: 1 } as const;

export type Statistic = keyof typeof RHO_SHARES;

/** The Gaussian noise σ that spends `rho` on a statistic of L2 sensitivity `sensitivity`. */
export function sigmaFor(sensitivity: number, rho: number): number {
  return sensitivity / Math.sqrt(2 * rho);
}

/** σ of each statistic of a figure set that spends `rho` in total. */
export function sigmasOf(rho: number): Record<Statistic, number> {
  const of = (s: Statistic): number => sigmaFor(SENSITIVITY[s], rho * RHO_SHARES[s]);
  return { heat: of("heat"), category: of("category"), after: of("after"), people: of("people") };
}

/** The (ε, δ)-DP guarantee implied by ρ-zCDP. */
export function epsilonOf(rho: number, delta = DELTA): number {
  return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
}

/** Standard normal samples from the operating system's CSPRNG (Box–Muller on 53-bit uniforms). */
export const secureNoise: Noise = () => {
  const uniform = (): number => {
    const b = randomBytes(8);
    const hi = b.readUInt32BE(0) >>> 5;
    const lo = b.readUInt32BE(4) >>> 6;
    return (hi * 67_108_864 + lo + 1) / (9_007_199_254_740_992 + 1); // in (0, 1)
  };
  return Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
};

/** A deterministic N(0, 1) stream for tests (mulberry32 + Box–Muller); never for releases. */
export function seededNoise(seed: number): Noise {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (((x ^ (x >>> 14)) >>> 0) + 1) / 4_294_967_297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** No noise at all: only for tests that check the exact aggregation. */
export const noNoise: Noise = () => 0;
