// The journey queries and changes; every change refreshes the journeys it touched.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { Enrollment, Journey, JourneyCounts, JourneyStatus } from './journey-types.ts';

export const journeyKeys = {
  all: ['journeys'] as const,
  list: (status?: string) => ['journeys', 'list', status ?? ''] as const,
  one: (id: string) => ['journeys', 'one', id] as const,
  counts: (id: string) => ['journeys', 'counts', id] as const,
  enrollments: (id: string) => ['journeys', 'enrollments', id] as const,
  ofProfile: (id: string) => ['journeys', 'profile', id] as const,
};

export function useJourneys(status?: JourneyStatus) {
  return useQuery({ queryKey: journeyKeys.list(status), queryFn: () => api.get<{ data: Journey[] }>('/journeys', { status, limit: 200 }) });
}

export function useJourney(id: string | undefined) {
  return useQuery({ queryKey: journeyKeys.one(id ?? ''), queryFn: () => api.get<Journey>(`/journeys/${id}`), enabled: Boolean(id) });
}

export function useJourneyCounts(id: string | undefined) {
  return useQuery({
    queryKey: journeyKeys.counts(id ?? ''),
    queryFn: () => api.get<JourneyCounts>(`/journeys/${id}/counts`),
    enabled: Boolean(id),
    refetchInterval: 10_000,
  });
}

export function useJourneyEnrollments(id: string | undefined) {
  return useQuery({
    queryKey: journeyKeys.enrollments(id ?? ''),
    queryFn: () => api.get<{ data: Enrollment[] }>(`/journeys/${id}/enrollments`, { limit: 50 }),
    enabled: Boolean(id),
    refetchInterval: 10_000,
  });
}

export function useProfileJourneys(profileId: string) {
  return useQuery({
    queryKey: journeyKeys.ofProfile(profileId),
    queryFn: () => api.get<{ data: Enrollment[] }>(`/journeys/profiles/${profileId}/enrollments`),
  });
}

/** Saving a journey (new or changed) and moving it through its states. */
export function useJourneyActions() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: journeyKeys.all });
  return {
    save: useMutation({
      mutationFn: ({ id, ...body }: { id?: string } & Partial<Omit<Journey, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'orgUnitId'>>) =>
        id ? api.patch<Journey>(`/journeys/${id}`, body) : api.post<Journey>('/journeys', body),
      onSettled: refresh,
    }),
    move: useMutation({
      mutationFn: ({ id, action }: { id: string; action: 'activate' | 'pause' | 'archive' }) => api.post<Journey>(`/journeys/${id}/${action}`),
      onSettled: refresh,
    }),
  };
}
