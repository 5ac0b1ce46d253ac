// The shapes the operations API answers with (docs/operations.md), as the console reads them.
import type { FileRef } from './photo-upload.tsx';

export const itemTypes = ['checkbox', 'number', 'text', 'single_choice', 'multiple_choice', 'photo', 'signature'] as const;
export type ItemType = (typeof itemTypes)[number];

export interface ChoiceOption {
  value: string;
  label: string;
  pass?: boolean;
}

/** One checklist item; the fields past `type` apply to some types only. */
export interface ChecklistItem {
  key: string;
  label: string;
  type: ItemType;
  help?: string;
  required: boolean;
  weight: number;
  critical: boolean;
  min?: number;
  max?: number;
  unit?: string;
  maxLength?: number;
  options?: ChoiceOption[];
  minSelected?: number;
  maxSelected?: number;
  minPhotos?: number;
  maxPhotos?: number;
}

export type ApprovalMode = 'none' | 'store_manager' | 'region_manager';

export interface TemplateDefinition {
  instructions: string;
  instructionFileIds: string[];
  estimatedMinutes: number;
  approval: ApprovalMode;
  sla: { storeManagerAfterMinutes: number | null; regionManagerAfterMinutes: number | null };
  passScore: number;
  items: ChecklistItem[];
}

export interface TaskTemplate {
  id: string;
  orgUnitId: string;
  orgUnitName: string;
  kind: 'task' | 'audit';
  name: string;
  version: number;
  archived: boolean;
  definition: TemplateDefinition;
  updatedAt: string;
  /** Its instruction images (on one template's page). */
  files?: FileRef[];
}

export interface LoadWarnings {
  total: number;
  stores: { storeId: string; code: string; name: string; weekStart: string; existingMinutes: number; addedMinutes: number }[];
}

export interface SendPreview {
  storeCount: number;
  occurrences: number;
  weeklyMinutesCap: number;
  loadWarnings: LoadWarnings;
}

export interface TaskSend {
  id: string;
  templateId: string;
  templateVersion: number;
  orgUnitName: string;
  role: string;
  title: string;
  dueLocal: string | null;
  rrule: string | null;
  status: string;
  storeCount: number;
  instanceCount: number;
  createdAt: string;
  byStatus?: Record<string, number>;
}

export type TaskStatus = 'scheduled' | 'open' | 'in_progress' | 'submitted' | 'approved' | 'returned' | 'overdue' | 'expired';

export interface TaskListItem {
  id: string;
  sendId: string;
  storeId: string;
  storeCode: string;
  storeName: string;
  title: string;
  role: string;
  status: TaskStatus;
  approval: ApprovalMode;
  dueAt: string;
  dueDate: string;
  estimatedMinutes: number;
  submittedAt: string | null;
  version: number;
}

export interface StoreBoard {
  store: { id: string; code: string; name: string; timeZone: string };
  roles: string[];
  data: TaskListItem[];
}

export type Answers = Record<string, unknown>;

export interface TaskDetail extends Omit<TaskListItem, 'storeCode' | 'storeName'> {
  store: { id: string; code: string; name: string; timeZone: string; orgUnitId: string };
  answers: Answers;
  returnReason: string | null;
  definition: TemplateDefinition;
  files: FileRef[];
  allowed: TaskStatus[];
  assignee: { id: string; name: string } | null;
  can: { execute: boolean; approve: boolean; assign: boolean };
}

export interface AuditListItem {
  id: string;
  templateId: string;
  storeId: string;
  storeCode: string;
  storeName: string;
  auditorLabel: string;
  status: 'in_progress' | 'completed';
  score: number | null;
  passed: boolean | null;
  criticalFailed: boolean | null;
  startedAt: string;
  completedAt: string | null;
}

export interface AuditDetail extends AuditListItem {
  storeOrgUnitId: string;
  answers: Answers;
  definition: TemplateDefinition;
  outcomes: Record<string, 'pass' | 'fail' | 'na' | null>;
  correctiveActions: { id: string; itemId: string; itemLabel: string; status: string; dueAt: string }[];
  files: FileRef[];
  can: { run: boolean };
}

export type CorrectiveStatus = 'open' | 'in_progress' | 'pending_review' | 'approved' | 'pushed_back';

export interface CorrectiveAction {
  id: string;
  auditId: string;
  storeId: string;
  storeCode: string;
  storeName: string;
  itemId: string;
  itemLabel: string;
  status: CorrectiveStatus;
  note: string | null;
  photoFileIds: string[];
  reviewNote: string | null;
  dueAt: string;
  version: number;
}

export interface CorrectiveDetail extends CorrectiveAction {
  storeOrgUnitId: string;
  photos: FileRef[];
  allowed: CorrectiveStatus[];
  can: { work: boolean; review: boolean };
}

export interface ComplianceRow {
  id: string;
  code: string;
  name: string;
  total: number;
  completed: number;
  onTime: number;
  overdue: number;
  expired: number;
  completionRate: number;
  onTimeRate: number;
}

export interface AuditScoreRow {
  id: string;
  code: string;
  name: string;
  audits: number;
  passed: number;
  avgScore: number;
  minScore: number;
  criticalFailed: number;
}

export interface HeatCell {
  regionId: string;
  regionName: string;
  period: string;
  audits: number;
  avgScore: number;
}
