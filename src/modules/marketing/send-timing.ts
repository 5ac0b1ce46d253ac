import { createHash } from 'node:crypto';
import { localClock } from '../stores/index.ts';
import type { CampaignVariant } from './schema.ts';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When a message may go out to a person in `timeZone`: now, unless their local time is inside the quiet hours
 * (`start`–`end`, across midnight when start > end), then at the end of the quiet hours, local time.
 */
export function nextSendTime(now: Date, timeZone: string, quietStart: string, quietEnd: string): Date {
  const start = minutes(quietStart);
  const end = minutes(quietEnd);
  if (start === end) return now;
  const t = minutes(localClock(timeZone, now).time);
  const quiet = start < end ? t >= start && t < end : t >= start || t < end;
  if (!quiet) return now;
  const wait = (end - t + 1440) % 1440;
  // To the minute boundary: the local clock has no seconds.
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

/** A number in [0, 10000) from md5 of the parts: the same everywhere (SQL can compute it too), spread evenly. */
export function bucketOf(...parts: string[]): number {
  return Number.parseInt(createHash('md5').update(parts.join(':')).digest('hex').slice(0, 8), 16) % 10_000;
}

/** Whether a person is in a campaign's holdout: a deterministic hash of profile id and campaign id below the share. */
export function isHeldOut(profileId: string, campaignId: string, holdoutPercent: number): boolean {
  return bucketOf(profileId, campaignId) < holdoutPercent * 100;
}

/** The A/B variant a person gets: by weight, from a second hash (independent of the holdout one). */
export function variantOf(profileId: string, campaignId: string, variants: CampaignVariant[]): CampaignVariant {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  const point = (bucketOf(profileId, campaignId, 'variant') / 10_000) * total;
  let acc = 0;
  for (const v of variants) {
    acc += v.weight;
    if (point < acc) return v;
  }
  return variants[variants.length - 1];
}
