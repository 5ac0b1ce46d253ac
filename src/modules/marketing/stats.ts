/** Statistics of the results page: conversion rates with confidence intervals and two-proportion z-tests. */

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 for erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Incremental lift of a treatment over a control: rates, absolute difference with its 95 % interval, relative lift. */
export interface Lift {
  treatmentRate: number;
  controlRate: number;
  lift: number;
  low: number;
  high: number;
  relative: number | null;
  significant: boolean;
}

/** Lift of treatment (`xT` of `nT` converted) over control (`xC` of `nC`), with a Wald 95 % interval on the difference. */
export function liftOf(xT: number, nT: number, xC: number, nC: number): Lift | null {
  if (nT === 0 || nC === 0) return null;
  const pT = xT / nT;
  const pC = xC / nC;
  const se = Math.sqrt((pT * (1 - pT)) / nT + (pC * (1 - pC)) / nC);
  const lift = pT - pC;
  const low = lift - 1.96 * se;
  const high = lift + 1.96 * se;
  return { treatmentRate: pT, controlRate: pC, lift, low, high, relative: pC > 0 ? lift / pC : null, significant: low > 0 || high < 0 };
}

/** A two-proportion z-test (pooled): z and the two-sided p-value; null when either group is empty. */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): { z: number; pValue: number } | null {
  if (n1 === 0 || n2 === 0) return null;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (x1 / n1 - x2 / n2) / se;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}
