import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { Page, User } from '../../lib/api-types.ts';

/** Users matching `q`, a page at a time. */
export function useUserList(q: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['users', 'list', q ?? ''],
    queryFn: ({ pageParam }) => api.get<Page<User>>('/users', { q, cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A write that answers the changed User; the user lists reload after it. */
export function useUserMutation<TVariables>(write: (variables: TVariables) => Promise<User>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
}
