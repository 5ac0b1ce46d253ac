import type { CollectedEvent } from './contract.ts';

/**
 * Customer events as rows of PostgreSQL's COPY text format, in the column order of `eventCopyColumns`. The row is
 * built when the request is checked, without the profile id (known only inside the ingest transaction): a flush
 * writes `profileId + tail` per event, so the hot path does no JSON work while a transaction is open.
 */

const special = /[\\\n\r\t]/;

/** Escapes backslash, tab, newline and carriage return as COPY text format requires. */
export function copyText(text: string): string {
  if (!special.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

const nullable = (v: string | null) => (v === null ? '\\N' : copyText(v));
/** JSON text escapes every control character itself: of COPY's specials only the backslash can be in it. */
const json = (v: Record<string, unknown>) => {
  for (const _ in v) {
    const text = JSON.stringify(v);
    return text.indexOf('\\') < 0 ? text : text.replaceAll('\\', '\\\\');
  }
  return '{}';
};

/** Encodes everything of a row after the profile id: a leading tab, the columns, and the newline. */
export function encodeEventTail(e: CollectedEvent, receivedIso: string, originalTimestamp: Date | null, sentAt: Date | null): string {
  return (
    `\t${copyText(e.tenantId)}\t${copyText(e.messageId)}\t${copyText(e.sourceId)}\t${copyText(e.channel)}\t${nullable(e.storeId)}\t${e.type}` +
    `\t${nullable(e.userId)}\t${nullable(e.anonymousId)}\t${nullable(e.event)}\t${nullable(e.previousId)}\t${nullable(e.groupId)}` +
    `\t${e.timestamp.toISOString()}\t${receivedIso}\t${originalTimestamp ? originalTimestamp.toISOString() : '\\N'}\t${sentAt ? sentAt.toISOString() : '\\N'}` +
    `\t${json(e.properties)}\t${json(e.traits)}\t${json(e.context)}\n`
  );
}
