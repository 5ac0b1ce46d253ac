import { z } from 'zod';
import { text } from '../../kernel/schemas.ts';

export const itemTypes = ['checkbox', 'number', 'text', 'single_choice', 'multiple_choice', 'photo', 'signature'] as const;
export type ItemType = (typeof itemTypes)[number];

const itemKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { error: 'must be 1–40 lower-case letters, digits, - or _' });
const option = z.strictObject({ value: itemKey, label: text(120), pass: z.boolean().optional() });

const common = {
  key: itemKey,
  label: text(200),
  help: z.string().trim().max(1000).optional(),
  required: z.boolean().default(true),
  /** Audits: how much the item counts in the score. */
  weight: z.number().min(0).max(100).default(1),
  /** Audits: a failed critical item fails the whole audit. */
  critical: z.boolean().default(false),
};

/** One checklist item: its type and the rules an answer must keep. */
export const checklistItem = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('checkbox') }),
  z.strictObject({ ...common, type: z.literal('number'), min: z.number().optional(), max: z.number().optional(), unit: z.string().max(20).optional() }),
  z.strictObject({ ...common, type: z.literal('text'), maxLength: z.number().int().min(1).max(5000).default(1000) }),
  z.strictObject({ ...common, type: z.literal('single_choice'), options: z.array(option).min(2).max(30) }),
  z.strictObject({
    ...common,
    type: z.literal('multiple_choice'),
    options: z.array(option).min(2).max(30),
    minSelected: z.number().int().min(0).optional(),
    maxSelected: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    ...common,
    type: z.literal('photo'),
    minPhotos: z.number().int().min(0).max(20).default(1),
    maxPhotos: z.number().int().min(1).max(20).default(10),
  }),
  z.strictObject({ ...common, type: z.literal('signature') }),
]);
export type ChecklistItem = z.infer<typeof checklistItem>;

export const approvalModes = ['none', 'store_manager', 'region_manager'] as const;
export type ApprovalMode = (typeof approvalModes)[number];

/** What a template version holds: instructions, checklist, time, approval and SLA. */
export const templateDefinition = z
  .strictObject({
    instructions: z.string().trim().max(10_000).default(''),
    instructionFileIds: z.array(z.string().max(64)).max(20).default([]),
    estimatedMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(15),
    approval: z.enum(approvalModes).default('none'),
    /** Minutes after the due time before the store manager is told, then the region manager (null: never). */
    sla: z
      .strictObject({
        storeManagerAfterMinutes: z.number().int().min(0).max(43_200).nullable(),
        regionManagerAfterMinutes: z.number().int().min(0).max(43_200).nullable(),
      })
      .default({ storeManagerAfterMinutes: 0, regionManagerAfterMinutes: 240 }),
    /** Audits: the score (0–100) an audit must reach to pass. */
    passScore: z.number().min(0).max(100).default(80),
    items: z.array(checklistItem).min(1).max(200),
  })
  .superRefine((def, ctx) => {
    const seen = new Set<string>();
    def.items.forEach((item, i) => {
      if (seen.has(item.key)) ctx.addIssue({ code: 'custom', path: ['items', i, 'key'], message: `key ${item.key} is used twice` });
      seen.add(item.key);
      if (item.type === 'number' && item.min !== undefined && item.max !== undefined && item.min > item.max) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'max'], message: 'max must not be below min' });
      }
      if (item.type === 'photo' && item.minPhotos > item.maxPhotos)
        ctx.addIssue({ code: 'custom', path: ['items', i, 'maxPhotos'], message: 'maxPhotos must not be below minPhotos' });
      if ((item.type === 'single_choice' || item.type === 'multiple_choice') && new Set(item.options.map((o) => o.value)).size !== item.options.length) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'options'], message: 'option values must differ' });
      }
    });
  });
export type TemplateDefinition = z.infer<typeof templateDefinition>;

/** Answers by item key: a boolean, number, string, list of option values, or file ids. */
export type Answers = Record<string, unknown>;
/** An audit's answers: the same, plus a note per item. */
export type AuditAnswers = Answers;

/** A problem with one answer, naming the item. */
export interface AnswerProblem {
  item: string;
  label: string;
  message: string;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** How strictly answers are checked: a draft may be partial; a submitted task or audit must be complete. */
export type AnswerMode = 'draft' | 'task' | 'audit';

/** Checks one answer against its item; a submission also asks that required items are answered. */
export function answerProblem(item: ChecklistItem, value: unknown, mode: AnswerMode): string | undefined {
  const complete = mode !== 'draft';
  if (value === undefined || value === null) {
    if (!complete || !item.required) return undefined;
    if (item.type === 'photo') return `needs at least ${Math.max(1, item.minPhotos)} photo(s)`;
    return 'is required';
  }
  switch (item.type) {
    case 'checkbox':
      if (typeof value !== 'boolean') return 'must be true or false';
      // A task's required box must be ticked; an audit's unticked box is a failed item, not bad input.
      if (mode === 'task' && item.required && value !== true) return 'must be checked';
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      if (item.min !== undefined && value < item.min) return `must be at least ${item.min}`;
      if (item.max !== undefined && value > item.max) return `must be at most ${item.max}`;
      return undefined;
    case 'text':
      if (typeof value !== 'string') return 'must be text';
      if (value.length > item.maxLength) return `must be at most ${item.maxLength} characters`;
      if (complete && item.required && value.trim() === '') return 'is required';
      return undefined;
    case 'single_choice':
      if (typeof value !== 'string' || !item.options.some((o) => o.value === value)) return `must be one of ${item.options.map((o) => o.value).join(', ')}`;
      return undefined;
    case 'multiple_choice': {
      if (!isStringList(value)) return 'must be a list of options';
      const bad = value.filter((v) => !item.options.some((o) => o.value === v));
      if (bad.length) return `has unknown options ${bad.join(', ')}`;
      if (new Set(value).size !== value.length) return 'repeats an option';
      if (item.maxSelected !== undefined && value.length > item.maxSelected) return `allows at most ${item.maxSelected} choices`;
      if (complete && item.minSelected !== undefined && value.length < item.minSelected) return `needs at least ${item.minSelected} choices`;
      if (complete && item.required && value.length === 0) return 'is required';
      return undefined;
    }
    case 'photo':
      if (!isStringList(value)) return 'must be a list of file ids';
      if (value.length > item.maxPhotos) return `allows at most ${item.maxPhotos} photos`;
      if (complete && item.required && value.length < Math.max(1, item.minPhotos))
        return `needs at least ${Math.max(1, item.minPhotos)} photo(s), has ${value.length}`;
      return undefined;
    case 'signature':
      if (typeof value !== 'string' || value.length === 0 || value.length > 64) return 'must be the file id of a signature image';
      return undefined;
  }
}

/** Every problem of a set of answers: unknown keys, wrong types, out of range; on submission, missing required ones too. */
export function answerProblems(items: readonly ChecklistItem[], answers: Answers, mode: AnswerMode): AnswerProblem[] {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const problems: AnswerProblem[] = [];
  for (const key of Object.keys(answers)) {
    if (!byKey.has(key)) problems.push({ item: key, label: key, message: 'is not an item of this checklist' });
  }
  for (const item of items) {
    const message = answerProblem(item, answers[item.key], mode);
    if (message) problems.push({ item: item.key, label: item.label, message });
  }
  return problems;
}

/** The file ids answers refer to (photos and signatures), to check they exist and belong to the tenant. */
export function answerFileIds(items: readonly ChecklistItem[], answers: Answers): string[] {
  const ids: string[] = [];
  for (const item of items) {
    const v = answers[item.key];
    if (item.type === 'photo' && isStringList(v)) ids.push(...v);
    if (item.type === 'signature' && typeof v === 'string') ids.push(v);
  }
  return [...new Set(ids)];
}
