import type { Answers, ChecklistItem, TemplateDefinition } from './checklist.ts';

/** How one audit item came out: passed, failed, or not scored (no weight, or an unanswered optional item). */
export type ItemOutcome = 'pass' | 'fail' | 'na';

/** An audit's result: the weighted score (0–100), whether it passed, and the items that failed. */
export interface AuditResult {
  score: number;
  passed: boolean;
  criticalFailed: boolean;
  failed: { key: string; label: string; critical: boolean }[];
}

/** Whether an answer passes its item: a ticked box, a number in range, only passing options, a given text or photo. */
export function itemOutcome(item: ChecklistItem, value: unknown): ItemOutcome {
  if (value === undefined || value === null) return item.required ? 'fail' : 'na';
  switch (item.type) {
    case 'checkbox':
      return value === true ? 'pass' : 'fail';
    case 'number': {
      if (typeof value !== 'number') return 'fail';
      const inRange = (item.min === undefined || value >= item.min) && (item.max === undefined || value <= item.max);
      return inRange ? 'pass' : 'fail';
    }
    case 'single_choice':
      return item.options.find((o) => o.value === value)?.pass === false ? 'fail' : 'pass';
    case 'multiple_choice':
      return Array.isArray(value) && value.some((v) => item.options.find((o) => o.value === v)?.pass === false) ? 'fail' : 'pass';
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? 'pass' : item.required ? 'fail' : 'na';
    case 'photo':
      return Array.isArray(value) && value.length >= Math.max(item.required ? 1 : 0, item.minPhotos) ? 'pass' : 'fail';
    case 'signature':
      return typeof value === 'string' && value !== '' ? 'pass' : 'fail';
  }
}

/**
 * Scores an audit: the weight of passed items over the weight of scored ones, as a percentage. A failed critical
 * item fails the whole audit whatever the score; otherwise it passes at the template's pass score.
 */
export function scoreAudit(def: Pick<TemplateDefinition, 'items' | 'passScore'>, answers: Answers): AuditResult {
  let scored = 0;
  let earned = 0;
  const failed: AuditResult['failed'] = [];
  for (const item of def.items) {
    const outcome = itemOutcome(item, answers[item.key]);
    if (outcome === 'fail') failed.push({ key: item.key, label: item.label, critical: item.critical });
    if (outcome === 'na' || item.weight === 0) continue;
    scored += item.weight;
    if (outcome === 'pass') earned += item.weight;
  }
  const score = scored === 0 ? 100 : Math.round((earned / scored) * 1000) / 10;
  const criticalFailed = failed.some((f) => f.critical);
  return { score, passed: !criticalFailed && score >= def.passScore, criticalFailed, failed };
}
