// The one QueryClient: shows every failed request's message unless the caller handles it itself.
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client.ts';
import { showError } from './feedback.ts';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError;
    /** `silent`: the query or mutation shows its own errors (or none). */
    queryMeta: { silent?: boolean };
    mutationMeta: { silent?: boolean };
  }
}

function reportError(error: unknown, silent: boolean | undefined): void {
  // A 401 sends the user to sign-in; a toast on top of that says nothing new.
  if (silent || (error instanceof ApiError && error.status === 401)) return;
  showError(error);
}

/** Creates the console's QueryClient with global error reporting. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => reportError(error, query.meta?.silent),
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => reportError(error, mutation.meta?.silent),
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Retrying a 4xx only repeats the same answer.
        retry: (failureCount, error) => failureCount < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
      },
    },
  });
}
