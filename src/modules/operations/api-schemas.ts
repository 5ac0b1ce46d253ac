import { z } from 'zod';
import { fileRefSchema } from '../files/index.ts';
import { approvalModes, checklistItem } from './checklist.ts';

/** A template version's content as the API shows it. */
export const definitionOut = z.object({
  instructions: z.string(),
  instructionFileIds: z.array(z.string()),
  estimatedMinutes: z.number(),
  approval: z.enum(approvalModes),
  sla: z.object({ storeManagerAfterMinutes: z.number().nullable(), regionManagerAfterMinutes: z.number().nullable() }),
  passScore: z.number(),
  items: z.array(checklistItem),
});

export const templateOut = z.object({
  id: z.string(),
  orgUnitId: z.string(),
  orgUnitName: z.string(),
  kind: z.string(),
  name: z.string(),
  version: z.number(),
  archived: z.boolean(),
  definition: definitionOut,
  updatedAt: z.date(),
  /** Its instruction images (on one template's page). */
  files: z.array(fileRefSchema).optional(),
});

const loadWarningsOut = z.object({
  total: z.number(),
  stores: z.array(
    z.object({ storeId: z.string(), code: z.string(), name: z.string(), weekStart: z.string(), existingMinutes: z.number(), addedMinutes: z.number() }),
  ),
});

export const previewOut = z.object({ storeCount: z.number(), occurrences: z.number(), weeklyMinutesCap: z.number(), loadWarnings: loadWarningsOut });

export const sendOut = z.object({
  id: z.string(),
  templateId: z.string(),
  templateVersion: z.number(),
  orgUnitId: z.string(),
  orgUnitName: z.string(),
  target: z.record(z.string(), z.unknown()),
  role: z.string(),
  title: z.string(),
  dueLocal: z.string().nullable(),
  opensLocal: z.string().nullable(),
  rrule: z.string().nullable(),
  dueAfterMinutes: z.number().nullable(),
  status: z.string(),
  storeCount: z.number(),
  instanceCount: z.number(),
  sentBy: z.string(),
  createdAt: z.date(),
  byStatus: z.record(z.string(), z.number()).optional(),
  loadWarnings: loadWarningsOut.optional(),
});

export const taskListItem = z.object({
  id: z.string(),
  sendId: z.string(),
  storeId: z.string(),
  storeCode: z.string(),
  storeName: z.string(),
  title: z.string(),
  role: z.string(),
  status: z.string(),
  approval: z.string(),
  opensAt: z.date(),
  dueAt: z.date(),
  dueDate: z.string(),
  estimatedMinutes: z.number(),
  submittedAt: z.date().nullable(),
  version: z.number(),
});

export const boardOut = z.object({
  store: z.object({ id: z.string(), code: z.string(), name: z.string(), timeZone: z.string() }),
  roles: z.array(z.string()),
  data: z.array(taskListItem),
});

export const taskOut = z.object({
  id: z.string(),
  sendId: z.string(),
  templateId: z.string(),
  templateVersion: z.number(),
  storeId: z.string(),
  store: z.object({ id: z.string(), code: z.string(), name: z.string(), timeZone: z.string(), orgUnitId: z.string() }),
  role: z.string(),
  assigneeId: z.string().nullable(),
  title: z.string(),
  status: z.string(),
  approval: z.string(),
  opensAt: z.date(),
  dueAt: z.date(),
  dueDate: z.string(),
  expiresAt: z.date().nullable(),
  estimatedMinutes: z.number(),
  slaStoreMinutes: z.number().nullable(),
  slaRegionMinutes: z.number().nullable(),
  answers: z.record(z.string(), z.unknown()),
  version: z.number(),
  startedAt: z.date().nullable(),
  submittedAt: z.date().nullable(),
  submittedBy: z.string().nullable(),
  approvedAt: z.date().nullable(),
  approvedBy: z.string().nullable(),
  returnReason: z.string().nullable(),
  escalationLevel: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
  definition: definitionOut,
  files: z.array(fileRefSchema),
  allowed: z.array(z.string()),
  /** The person it was given to, when a manager gave it to one. */
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  can: z.object({ execute: z.boolean(), approve: z.boolean(), assign: z.boolean() }),
});

export const auditListItem = z.object({
  id: z.string(),
  templateId: z.string(),
  templateVersion: z.number(),
  storeId: z.string(),
  storeCode: z.string(),
  storeName: z.string(),
  auditorId: z.string(),
  auditorLabel: z.string(),
  status: z.string(),
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
  criticalFailed: z.boolean().nullable(),
  version: z.number(),
  startedAt: z.date(),
  completedAt: z.date().nullable(),
});

export const auditOut = auditListItem.extend({
  storeOrgUnitId: z.string(),
  answers: z.record(z.string(), z.unknown()),
  definition: definitionOut,
  outcomes: z.record(z.string(), z.enum(['pass', 'fail', 'na']).nullable()),
  correctiveActions: z.array(z.object({ id: z.string(), itemId: z.string(), itemLabel: z.string(), status: z.string(), dueAt: z.date() })),
  files: z.array(fileRefSchema),
  can: z.object({ run: z.boolean() }),
});

export const correctiveOut = z.object({
  id: z.string(),
  auditId: z.string(),
  storeId: z.string(),
  storeCode: z.string(),
  storeName: z.string(),
  itemId: z.string(),
  itemLabel: z.string(),
  status: z.string(),
  note: z.string().nullable(),
  photoFileIds: z.array(z.string()),
  reviewNote: z.string().nullable(),
  dueAt: z.date(),
  version: z.number(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const correctiveDetailOut = correctiveOut.extend({
  storeOrgUnitId: z.string(),
  photos: z.array(fileRefSchema),
  allowed: z.array(z.string()),
  can: z.object({ work: z.boolean(), review: z.boolean() }),
});

export const complianceRowOut = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  total: z.number(),
  completed: z.number(),
  onTime: z.number(),
  overdue: z.number(),
  expired: z.number(),
  completionRate: z.number(),
  onTimeRate: z.number(),
});

export const auditScoreRowOut = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  audits: z.number(),
  passed: z.number(),
  avgScore: z.number(),
  minScore: z.number(),
  criticalFailed: z.number(),
});
