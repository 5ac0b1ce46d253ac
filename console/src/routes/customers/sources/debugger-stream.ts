// The debugger's live stream (GET /sources/{id}/debugger/live, Server-Sent Events): each event as it is received.
import { apiUrl } from '../../../lib/api-client.ts';
import { type LiveState, useEventStream } from '../../../lib/live-events.ts';
import { type DebugEntry, debugStatuses } from '../customer-types.ts';

/** Follows a source's debugger while mounted and `enabled`; answers the connection state. */
export function useDebuggerStream(sourceId: string, enabled: boolean, onEntry: (entry: DebugEntry) => void, onReconnect: () => void): LiveState {
  return useEventStream<DebugEntry>(enabled ? apiUrl(`/sources/${sourceId}/debugger/live`) : null, debugStatuses, { onEvent: onEntry, onReconnect });
}
