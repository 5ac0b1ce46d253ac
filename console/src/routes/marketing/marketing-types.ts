// The shapes the marketing API answers with (src/modules/marketing/*-routes.ts).

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';
export const campaignStatuses: readonly CampaignStatus[] = ['draft', 'scheduled', 'sending', 'paused', 'completed', 'cancelled'];

export type ChannelKind = 'sink' | 'webhook' | 'sms' | 'email' | 'push' | 'messaging';
export const channelKinds: readonly ChannelKind[] = ['sink', 'webhook', 'sms', 'email', 'push', 'messaging'];

export interface DeliveryCounts {
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
}

export interface Channel {
  id: string;
  name: string;
  kind: ChannelKind;
  settings: Record<string, unknown>;
  capMax: number | null;
  capDays: number;
  active: boolean;
  /** Campaign messages of the last 7 days by state (the list only). */
  deliveries?: DeliveryCounts;
}

/** The journey and step a journey's message was sent by. */
export interface JourneyRef {
  id: string;
  name: string;
  stepId: string;
}

/** Who sent a message: a campaign, or (campaign fields null) a journey's step. */
export interface MessageSender {
  campaignId: string | null;
  campaignName: string | null;
  journey: JourneyRef | null;
}

export interface DeadLetter extends MessageSender {
  id: string;
  profileId: string;
  recipient: string | null;
  error: string | null;
  attempts: number;
  at: string;
}

export type AdFormat = 'google' | 'meta' | 'tiktok';

export interface AdAudienceRefresh {
  id: string;
  format: AdFormat;
  reason: 'schedule' | 'change' | 'manual';
  rows: number;
  bytes: number;
  createdAt: string;
}

export interface AdAudience {
  id: string;
  segmentId: string;
  formats: AdFormat[];
  purpose: string;
  intervalHours: number;
  onChange: boolean;
  changeDelayMinutes: number;
  active: boolean;
  nextRunAt: string | null;
  changedAt: string | null;
  lastRefreshAt: string | null;
  refreshes: AdAudienceRefresh[];
}

export interface Template {
  id: string;
  name: string;
  subject: string | null;
  body: string;
  variables: string[];
  updatedAt: string;
}

export interface TemplateIssue {
  path: string;
  line: number;
  column: number;
  message: string;
}

export interface Variant {
  key: string;
  templateId: string;
  weight: number;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  channelId: string;
  purpose: string;
  includeSegments: string[];
  excludeSegments: string[];
  variants: Variant[];
  holdoutPercent: number;
  schedule: { kind: 'now' | 'at' | 'recurring'; at?: string; rrule?: string };
  quietStart: string;
  quietEnd: string;
  ratePerMinute: number;
  attributionDays: number;
  nextRunAt: string | null;
  createdAt: string;
}

export interface AudienceEstimate {
  audience: number;
  holdout: number;
  noConsent: number;
  capped: number;
  reachable: number;
}

export interface Funnel {
  planned: number;
  holdout: number;
  skipped: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  bounced: number;
  opened: number;
  clicked: number;
  treated: number;
  converted: number;
  revenue: number;
}

export interface CampaignResults {
  total: Funnel;
  control: { size: number; converted: number; revenue: number };
  lift: { treatmentRate: number; controlRate: number; lift: number; low: number; high: number; relative: number | null; significant: boolean } | null;
  variants: (Funnel & { key: string; conversionRate: number; versusFirst: { z: number; pValue: number } | null })[];
}

export interface ProfileMessage extends MessageSender {
  id: string;
  channelKind: string;
  status: string;
  skipReason: string | null;
  body: string | null;
  sentAt: string | null;
  clickedAt: string | null;
  createdAt: string;
}

export interface SegmentOption {
  id: string;
  name: string;
  memberCount?: number;
}
