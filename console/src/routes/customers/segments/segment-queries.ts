// Segments: the list, one segment (polled while it recomputes), members, entries and exits, sizes, the live preview of a definition
// being edited, and writes that reload them.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/api-types.ts';
import type { Condition, Segment, SegmentChange, SegmentMember, SegmentPreview, SegmentSize } from '../customer-types.ts';

export const segmentKeys = {
  all: ['segments'] as const,
  list: ['segments', 'list'] as const,
  detail: (id: string) => ['segments', 'detail', id] as const,
  of: (id: string, what: string) => ['segments', 'of', id, what] as const,
  preview: (definition: string) => ['segments', 'preview', definition] as const,
};

const computing = (s: Segment | undefined) => s?.status === 'computing';

/** Every segment with its size and recompute status; polled while one recomputes. */
export function useSegments() {
  return useQuery({
    queryKey: segmentKeys.list,
    queryFn: async () => (await api.get<Page<Segment>>('/segments')).data,
    refetchInterval: (query) => ((query.state.data ?? []).some(computing) ? 2000 : false),
  });
}

/** One segment; polled every second while it recomputes, so the progress moves. */
export function useSegment(id: string) {
  return useQuery({
    queryKey: segmentKeys.detail(id),
    queryFn: () => api.get<Segment>(`/segments/${id}`),
    refetchInterval: (query) => (computing(query.state.data) ? 1000 : false),
  });
}

/** A segment's members, a page at a time. */
export function useSegmentMembers(id: string) {
  return useInfiniteQuery({
    queryKey: segmentKeys.of(id, 'members'),
    queryFn: ({ pageParam }) => api.get<Page<SegmentMember>>(`/segments/${id}/members`, { cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A segment's entries and exits, newest first, a page at a time; `kind` keeps one of the two. */
export function useSegmentHistory(id: string, kind: SegmentChange['kind'] | undefined) {
  return useInfiniteQuery({
    queryKey: [...segmentKeys.of(id, 'history'), kind ?? 'all'],
    queryFn: ({ pageParam }) => api.get<Page<SegmentChange>>(`/segments/${id}/history`, { cursor: pageParam, limit: 30, kind }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A segment's size per day. */
export function useSegmentSizes(id: string, days: number) {
  return useQuery({
    queryKey: [...segmentKeys.of(id, 'sizes'), days],
    queryFn: async () => (await api.get<{ data: SegmentSize[] }>(`/segments/${id}/sizes`, { days })).data,
  });
}

/** Waits `ms` after the last change before answering the new value. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The live size and a sample of a definition being edited, asked again 400 ms after the last edit. */
export function useSegmentPreview(definition: Condition | null) {
  const text = useSettled(definition ? JSON.stringify(definition) : '', 400);
  return useQuery({
    queryKey: segmentKeys.preview(text),
    queryFn: () => api.post<SegmentPreview>('/segments/preview', { definition: JSON.parse(text) as Condition, limit: 8 }),
    enabled: text !== '',
    placeholderData: keepPreviousData,
    staleTime: 5000,
    retry: false,
    meta: { silent: true },
  });
}

/** A write to segments: afterwards every segment view reloads. */
export function useSegmentMutation<TVariables, TResult>(write: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: segmentKeys.all });
    },
  });
}
