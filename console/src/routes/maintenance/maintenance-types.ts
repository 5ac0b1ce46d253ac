// The maintenance API's answers as the console reads them.

export const workOrderStatuses = ['OPEN', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETE', 'CANCELLED'] as const;
export type WorkOrderStatus = (typeof workOrderStatuses)[number];
export const priorities = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];
export const assetStatuses = ['operational', 'down', 'standby'] as const;
export type AssetStatus = (typeof assetStatuses)[number];
export const assetCategories = [
  'refrigeration',
  'hvac',
  'lighting',
  'electrical',
  'pos',
  'signage',
  'it_network',
  'kitchen',
  'elevator',
  'security',
  'building',
  'other',
] as const;
export type AssetCategory = (typeof assetCategories)[number];

/** Whether a category is one the console has words for. */
export function isKnownCategory(category: string): category is AssetCategory {
  return (assetCategories as readonly string[]).includes(category);
}

export interface FileRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

export interface WorkOrderCard {
  id: string;
  storeId: string;
  storeName: string;
  assetId: string | null;
  assetName: string | null;
  title: string;
  priority: Priority;
  status: WorkOrderStatus;
  source: string;
  assigneeName: string | null;
  contractorName: string | null;
  dueAt: string | null;
  resolutionDueAt: string | null;
  escalationLevel: number;
  version: number;
  createdAt: string;
}

export interface ChecklistItem {
  id: string;
  label: string;
  done: boolean;
}

export interface PartUsed {
  name: string;
  partNumber?: string | null;
  quantity: number;
}

export interface WorkOrderDetail extends WorkOrderCard {
  orgUnitId: string;
  description: string | null;
  assigneeUserId: string | null;
  contractorId: string | null;
  checklist: ChecklistItem[];
  timeSpentMinutes: number;
  parts: PartUsed[];
  photos: FileRef[];
  signature: FileRef | null;
  responseDueAt: string | null;
  acknowledgedAt: string | null;
  completedAt: string | null;
  allowedTransitions: WorkOrderStatus[];
  history: { at: string; actorLabel: string; action: string; fromStatus: string | null; toStatus: string | null; note: string | null }[];
}

export interface Board {
  columns: { status: WorkOrderStatus; count: number; items: WorkOrderCard[] }[];
}

export interface Asset {
  id: string;
  storeId: string;
  storeCode: string;
  storeName: string;
  zoneId: string | null;
  name: string;
  category: string;
  make: string | null;
  model: string | null;
  serial: string | null;
  installedOn: string | null;
  warrantyEnd: string | null;
  status: AssetStatus;
  statusSince: string;
  downReason: string | null;
  deviceId: string | null;
}

export interface AssetDetail extends Asset {
  downtime: { id: string; reason: string; startedAt: string; endedAt: string | null }[];
  openWorkOrders: { id: string; title: string; status: WorkOrderStatus; priority: Priority; createdAt: string }[];
  canEdit: boolean;
}

export interface MaintenanceRequest {
  id: string;
  assetId: string;
  assetName: string;
  storeName: string;
  description: string;
  reporterName: string | null;
  reporterContact: string | null;
  photos: FileRef[];
  status: string;
  createdAt: string;
}

export interface PmEntry {
  scheduleId: string;
  title: string;
  assetId: string;
  assetName: string;
  storeId: string;
  dueAt: string;
  workOrderId: string | null;
}

export interface Timing {
  created: number;
  completed: number;
  breached: number;
  mttaMinutes: number | null;
  mttrMinutes: number | null;
}

export interface MaintenanceReport {
  workOrders: Timing & { byPriority: (Timing & { priority: string })[] };
  downtimeByCategory: { category: string; hours: number; intervals: number }[];
  downtimeByStore: { storeId: string; storeName: string; regionName: string; hours: number; intervals: number }[];
  downtimeByRegion: { regionId: string; regionName: string; hours: number; intervals: number }[];
}

export interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}
