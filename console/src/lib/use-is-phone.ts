import { useSyncExternalStore } from 'react';

/** The widest viewport the console lays out for a phone (store staff use 360–430 px). */
export const phoneMaxWidth = 480;
const query = `(max-width: ${phoneMaxWidth}px)`;

function subscribe(onChange: () => void): () => void {
  const list = window.matchMedia(query);
  list.addEventListener('change', onChange);
  return () => list.removeEventListener('change', onChange);
}

/** True while the viewport is phone-sized; re-renders when that changes. */
export function useIsPhone(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}
