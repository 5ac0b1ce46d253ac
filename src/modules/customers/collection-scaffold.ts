// Test helpers around the profile side's hooks (not a test): a pipeline that remembers what it was handed before
// passing it on, a guard that also suppresses a set of userIds, and Basic auth of a write key.
import type { CollectedEvent, CollectionGuard, ProfilePipeline } from './contract.ts';

/** A pipeline that remembers what it was handed, then hands it to the real one. */
export class RecordingPipeline implements ProfilePipeline {
  readonly batches: { tenantId: string; events: (CollectedEvent & { profileId: string })[] }[] = [];
  constructor(private readonly inner?: ProfilePipeline) {}
  async onCommitted(tenantId: string, events: (CollectedEvent & { profileId: string })[]): Promise<void> {
    this.batches.push({ tenantId, events });
    await this.inner?.onCommitted(tenantId, events);
  }
}

/** A guard that suppresses the userIds in its set, and whatever the real guard suppresses. */
export class SetGuard implements CollectionGuard {
  readonly userIds = new Set<string>();
  constructor(private readonly inner?: CollectionGuard) {}
  isSuppressed(tenantId: string, event: CollectedEvent): boolean {
    return (event.userId !== null && this.userIds.has(event.userId)) || (this.inner?.isSuppressed(tenantId, event) ?? false);
  }
}

/** The Authorization header of a write key (Basic, user name only). */
export const basic = (writeKey: string) => ({ authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` });
