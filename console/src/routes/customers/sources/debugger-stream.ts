// The debugger's live stream (GET /sources/{id}/debugger/live, Server-Sent Events): each event as it is received.
import { useEffect, useRef, useState } from 'react';
import { apiUrl } from '../../../lib/api-client.ts';
import type { LiveState } from '../../../lib/live-events.ts';
import { type DebugEntry, debugStatuses } from '../customer-types.ts';

/** After the server closed the stream for good, try again this much later. */
const reopenAfterMs = 10_000;

/** Follows a source's debugger while mounted and `enabled`; answers the connection state. */
export function useDebuggerStream(sourceId: string, enabled: boolean, onEntry: (entry: DebugEntry) => void, onReconnect: () => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef({ onEntry, onReconnect });
  latest.current = { onEntry, onReconnect };
  const url = enabled ? apiUrl(`/sources/${sourceId}/debugger/live`) : null;

  useEffect(() => {
    if (!url || typeof EventSource === 'undefined') {
      setState('closed');
      return;
    }
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let opened = false;
    let disposed = false;
    const open = () => {
      setState('connecting');
      source = new EventSource(url);
      source.addEventListener('ready', () => {
        setState('live');
        if (opened) latest.current.onReconnect();
        opened = true;
      });
      for (const status of debugStatuses) {
        source.addEventListener(status, (message) => {
          try {
            latest.current.onEntry(JSON.parse((message as MessageEvent<string>).data) as DebugEntry);
          } catch {
            // a malformed entry is skipped
          }
        });
      }
      source.onerror = () => {
        if (disposed || !source) return;
        if (source.readyState === EventSource.CLOSED) {
          setState('closed');
          source.close();
          reopen = setTimeout(open, reopenAfterMs);
        } else {
          setState('connecting');
        }
      };
    };
    open();
    return () => {
      disposed = true;
      clearTimeout(reopen);
      source?.close();
    };
  }, [url]);

  return state;
}
