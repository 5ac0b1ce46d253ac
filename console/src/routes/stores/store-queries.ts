// The store queries and the one way every store write refreshes what the console shows.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { Page, Store, StoreDetail } from '../../lib/api-types.ts';
import type { StoreListSearch } from './routes.ts';

export const storePageSize = 50;

/** The store list under the given filters, a page at a time ("load more"). */
export function useStoreList(filters: StoreListSearch) {
  return useInfiniteQuery({
    queryKey: ['stores', 'list', filters],
    queryFn: ({ pageParam }) => api.get<Page<Store>>('/stores', { ...filters, cursor: pageParam, limit: storePageSize }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // the old list stays (dimmed) while the filtered one loads, instead of flashing empty
    placeholderData: keepPreviousData,
  });
}

export function storeQueryKey(storeId: string) {
  return ['stores', 'detail', storeId] as const;
}

/** One store with its hours, special hours and zones. */
export function useStore(storeId: string) {
  return useQuery({
    queryKey: storeQueryKey(storeId),
    queryFn: () => api.get<StoreDetail>(`/stores/${storeId}`),
  });
}

/**
 * A write to one store whose answer is the new StoreDetail: the answer replaces the cached
 * store at once, and lists and summaries reload.
 */
export function useStoreMutation<TVariables>(storeId: string, write: (variables: TVariables) => Promise<StoreDetail>, options: { silent?: boolean } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    meta: { silent: options.silent },
    onSuccess: async (store) => {
      queryClient.setQueryData(storeQueryKey(storeId), store);
      await queryClient.invalidateQueries({
        queryKey: ['stores'],
        predicate: (query) => query.queryKey[1] !== 'detail',
      });
    },
  });
}
