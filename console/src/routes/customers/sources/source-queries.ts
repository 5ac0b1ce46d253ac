// Sources: the list, one source, its debugger, and writes that reload what they change.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/api-types.ts';
import type { Source, SourceChannel, SourceDebugger } from '../customer-types.ts';

export const sourcePageSize = 50;

export const sourceKeys = {
  all: ['sources'] as const,
  list: (channel: SourceChannel | undefined) => ['sources', 'list', channel ?? null] as const,
  detail: (sourceId: string) => ['sources', 'detail', sourceId] as const,
  debugger: (sourceId: string) => ['sources', 'debugger', sourceId] as const,
};

/** The sources in the caller's scope, by name, a page at a time. */
export function useSourceList(channel: SourceChannel | undefined) {
  return useInfiniteQuery({
    queryKey: sourceKeys.list(channel),
    queryFn: ({ pageParam }) => api.get<Page<Source>>('/sources', { channel, cursor: pageParam, limit: sourcePageSize }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** One source (its key's first characters only). */
export function useSource(sourceId: string) {
  return useQuery({ queryKey: sourceKeys.detail(sourceId), queryFn: () => api.get<Source>(`/sources/${sourceId}`) });
}

/** The debugger's last events (this node) and last rejected events (all nodes); polled while the live stream is down. */
export function useSourceDebugger(sourceId: string, pollMs: number | false) {
  return useQuery({
    queryKey: sourceKeys.debugger(sourceId),
    queryFn: () => api.get<SourceDebugger>(`/sources/${sourceId}/debugger`),
    refetchInterval: pollMs,
    staleTime: 0,
  });
}

/** A write to a source: afterwards the lists and the source reload. */
export function useSourceMutation<TVariables, TResult>(write: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: sourceKeys.all });
    },
  });
}
