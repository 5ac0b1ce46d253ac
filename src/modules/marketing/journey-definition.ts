// What a journey is made of (trigger, steps, re-entry rule), how a definition is checked — every error names its
// step — and the step tree flattened into "what comes after this step" for the runner.
import { z } from 'zod';
import { AppError } from '../../kernel/errors.ts';

/** A span of time as a person types it. */
export interface JourneyDuration {
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
}

/** A test of an event property (or a trait): equal, different, contains, compares, exists. */
export interface PropertyCondition {
  property: string;
  op: 'eq' | 'neq' | 'contains' | 'gt' | 'gte' | 'lt' | 'lte' | 'exists' | 'not_exists';
  value?: string | number | boolean | null;
}

/**
 * Who enters a journey: people entering or leaving a segment (`segmentId`), or doing an event (`event`, with property
 * conditions); with `unless`, only those who then do not do that event within the span ("no Order Completed in 1 day").
 */
export interface JourneyTrigger {
  kind: 'segment_entered' | 'segment_exited' | 'event';
  segmentId?: string;
  event?: string;
  where?: PropertyCondition[];
  unless?: { event: string; within: JourneyDuration };
}

/** What a branch asks about the person. */
export type JourneyCondition =
  | ({ kind: 'trait' } & Omit<PropertyCondition, 'property'> & { trait: string })
  | ({ kind: 'computed_trait' } & Omit<PropertyCondition, 'property'> & { key: string })
  | { kind: 'segment'; segmentId: string; member: boolean }
  | { kind: 'event_since_entry'; event: string; where?: PropertyCondition[] };

/** One step of a journey; a branch holds the steps of its yes and no paths, which join again after it. */
export type JourneyStep =
  | { id: string; type: 'wait'; duration?: JourneyDuration; untilTime?: string }
  | { id: string; type: 'branch'; condition: JourneyCondition; yes: JourneyStep[]; no: JourneyStep[] }
  | { id: string; type: 'send'; channelId: string; templateId: string }
  | { id: string; type: 'set_trait'; trait: string; value: string | number | boolean | null }
  | { id: string; type: 'exit' };

/** Whether a person may enter again: never, whenever triggered (one pass at a time), or once the cool-down since their last entry passed. */
export type JourneyReentry = { mode: 'once' } | { mode: 'every_time' } | { mode: 'cooldown'; cooldown: JourneyDuration };

const name = z.string().trim().min(1).max(120);
const ref = z.string().min(1).max(64);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a local time HH:MM' });
export const durationSchema = z.strictObject({ amount: z.number().int().min(1).max(100_000), unit: z.enum(['minutes', 'hours', 'days']) });
const propertyCondition = z.strictObject({
  property: z.string().min(1).max(100),
  op: z.enum(['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists']),
  value: z.union([z.string().max(200), z.number(), z.boolean(), z.null()]).optional(),
});
const where = z.array(propertyCondition).max(10).optional();
const traitKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, { error: 'a trait name: letters, digits, _ . -' });

/** The trigger as the API takes it (which fields a kind needs is checked with the references). */
export const triggerSchema = z.strictObject({
  kind: z.enum(['segment_entered', 'segment_exited', 'event']),
  segmentId: ref.optional(),
  event: name.optional(),
  where,
  unless: z.strictObject({ event: name, within: durationSchema }).optional(),
});

/** The re-entry rule as the API takes it. */
export const reentrySchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('once') }),
  z.strictObject({ mode: z.literal('every_time') }),
  z.strictObject({ mode: z.literal('cooldown'), cooldown: durationSchema }),
]);

const conditionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('trait'), trait: traitKey, op: propertyCondition.shape.op, value: propertyCondition.shape.value }),
  z.strictObject({ kind: z.literal('computed_trait'), key: traitKey, op: propertyCondition.shape.op, value: propertyCondition.shape.value }),
  z.strictObject({ kind: z.literal('segment'), segmentId: ref, member: z.boolean().default(true) }),
  z.strictObject({ kind: z.literal('event_since_entry'), event: name, where }),
]);

const stepId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'a step id: 1–40 letters, digits, _ or -' });

/** One step without its sub-steps (a branch's paths are checked one level down, so each error can name its own step). */
const stepShape = z.discriminatedUnion('type', [
  z.strictObject({ id: stepId, type: z.literal('wait'), duration: durationSchema.optional(), untilTime: clock.optional() }),
  z.strictObject({ id: stepId, type: z.literal('branch'), condition: conditionSchema, yes: z.array(z.unknown()).max(100), no: z.array(z.unknown()).max(100) }),
  z.strictObject({ id: stepId, type: z.literal('send'), channelId: ref, templateId: ref }),
  z.strictObject({ id: stepId, type: z.literal('set_trait'), trait: traitKey, value: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]) }),
  z.strictObject({ id: stepId, type: z.literal('exit') }),
]);

/** A problem with a definition: where (`steps[2].yes[0]`), which step (its id), and what. */
export interface DefinitionIssue {
  path: string;
  step?: string;
  message: string;
}

/** Checks the shape of a step tree; answers the steps, or every issue found with the step it is about. */
export function parseSteps(input: unknown[]): { steps: JourneyStep[]; issues: DefinitionIssue[] } {
  const issues: DefinitionIssue[] = [];
  const seen = new Set<string>();
  let count = 0;
  const walk = (list: unknown[], at: string, depth: number): JourneyStep[] => {
    const out: JourneyStep[] = [];
    list.forEach((raw, i) => {
      const path = `${at}[${i}]`;
      const label = raw && typeof raw === 'object' && 'id' in raw && typeof raw.id === 'string' ? raw.id : undefined;
      count++;
      const r = stepShape.safeParse(raw);
      if (!r.success) {
        for (const e of r.error.issues) issues.push({ path: [path, ...e.path].join('.'), step: label, message: e.message });
        return;
      }
      const s = r.data;
      const issue = (message: string) => issues.push({ path, step: s.id, message: `step "${s.id}": ${message}` });
      if (seen.has(s.id)) issue('another step has this id');
      seen.add(s.id);
      if (i < list.length - 1 && s.type === 'exit') issue('an exit must be the last step of its path (the steps after it would never run)');
      if (s.type === 'wait' && (s.duration === undefined) === (s.untilTime === undefined))
        issue('a wait needs either a duration or a time of day (untilTime), not both');
      if (s.type === 'branch') {
        if (depth >= 5) issue('branches nest at most 5 deep');
        out.push({ ...s, yes: walk(s.yes, `${path}.yes`, depth + 1), no: walk(s.no, `${path}.no`, depth + 1) });
      } else out.push(s as JourneyStep);
    });
    return out;
  };
  const steps = walk(input, 'steps', 0);
  if (count > 100) issues.push({ path: 'steps', message: 'a journey has at most 100 steps' });
  return { steps, issues };
}

/** Refuses a definition with issues: 400 naming the first step in the message and every issue in the details. */
export function assertNoIssues(issues: DefinitionIssue[]): void {
  if (issues.length === 0) return;
  throw new AppError('invalid', issues[0].message, { issues: issues.map((i) => ({ ...i, path: `body.${i.path}` })) });
}

/** Every step of a tree, depth first. */
export function allSteps(steps: JourneyStep[]): JourneyStep[] {
  return steps.flatMap((s) => (s.type === 'branch' ? [s, ...allSteps(s.yes), ...allSteps(s.no)] : [s]));
}

/** A step with where the runner goes after it: `next` (null: the journey is done), and a branch's first yes and no steps. */
export interface PlacedStep {
  step: JourneyStep;
  next: string | null;
  yes?: string | null;
  no?: string | null;
}

/** The step tree as a map from id to step and successor: a path that ends joins the step after its branch. */
export function placeSteps(steps: JourneyStep[]): Map<string, PlacedStep> {
  const placed = new Map<string, PlacedStep>();
  const walk = (list: JourneyStep[], after: string | null) => {
    list.forEach((s, i) => {
      const next = i + 1 < list.length ? list[i + 1].id : after;
      if (s.type === 'branch') {
        placed.set(s.id, { step: s, next, yes: s.yes[0]?.id ?? next, no: s.no[0]?.id ?? next });
        walk(s.yes, next);
        walk(s.no, next);
      } else placed.set(s.id, { step: s, next });
    });
  };
  walk(steps, null);
  return placed;
}

/** A duration in milliseconds. */
export function durationMs(d: JourneyDuration): number {
  return d.amount * { minutes: 60_000, hours: 3_600_000, days: 86_400_000 }[d.unit];
}
