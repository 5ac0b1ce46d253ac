// Live updates from GET /live (Server-Sent Events, same origin, the session cookie): a device's or a
// store's telemetry, online status and alarm changes, or the alarm (and status) changes of an org unit's
// subtree or of the caller's whole scope, while a screen that shows them is open.
import { useEffect, useRef, useState } from 'react';
import { apiUrl } from './api-client.ts';
import type { LiveEvent } from './api-types.ts';

/** What a subtree feed carries: telemetry is only ever followed per device or store. */
export type SubtreeEventKind = 'alarm' | 'status';

/**
 * Whose events to follow: a device, a store, or an org unit's subtree (the caller's whole scope without
 * `orgUnitId`) with the kinds of event wanted; null follows nothing.
 */
export type LiveFilter = { deviceId: string } | { storeId: string } | { orgUnitId?: string; events: readonly SubtreeEventKind[] } | null;

function liveQuery(filter: Exclude<LiveFilter, null>): Record<string, string | undefined> {
  if ('deviceId' in filter) return { deviceId: filter.deviceId };
  if ('storeId' in filter) return { storeId: filter.storeId };
  return { orgUnitId: filter.orgUnitId, events: filter.events.join(',') };
}

/** `connecting` until the server said ready; `live` while events flow; `closed` when it refused or went away. */
export type LiveState = 'connecting' | 'live' | 'closed';

const eventKinds: readonly LiveEvent['kind'][] = ['telemetry', 'alarm', 'status'];

/** After the server closed the stream for good (a 404, a restart), try again this much later. */
const reopenAfterMs = 10_000;

interface StreamHandlers<T> {
  onEvent: (event: T) => void;
  /**
   * The stream (re)opened: what happened while it was down was missed, so reload what the screen shows.
   * Not called for the first opening.
   */
  onReconnect?: () => void;
}

/**
 * Follows a Server-Sent Events stream while mounted (null follows nothing): each event of the named kinds, parsed
 * as JSON; reopens after the server closed it for good. Answers the connection state.
 */
export function useEventStream<T>(url: string | null, kinds: readonly string[], handlers: StreamHandlers<T>): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  // the latest handlers, without reopening the stream when a render makes new ones
  const latest = useRef(handlers);
  latest.current = handlers;
  const kindList = kinds.join(',');

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
        if (opened) latest.current.onReconnect?.();
        opened = true;
      });
      for (const kind of kindList.split(',')) {
        source.addEventListener(kind, (message) => {
          try {
            latest.current.onEvent(JSON.parse((message as MessageEvent<string>).data) as T);
          } catch {
            // a malformed event is skipped; the next one carries the state again
          }
        });
      }
      source.onerror = () => {
        if (disposed || !source) return;
        // the browser retries by itself while the stream is CONNECTING; CLOSED means it gave up
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
  }, [url, kindList]);

  return state;
}

/** Follows the live events of a device, a store or a subtree while mounted; answers the connection state. */
export function useLiveEvents(filter: LiveFilter, handlers: StreamHandlers<LiveEvent>): LiveState {
  return useEventStream(filter ? apiUrl('/live', liveQuery(filter)) : null, eventKinds, handlers);
}
