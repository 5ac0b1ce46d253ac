// People: search and lookup, one person's 360° view, timeline, identity and trait history, activity, RFM spread;
// writes (merge, split, consent, traits) reload the person.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/api-types.ts';
import type { CustomerEvent, IdentityLogEntry, Profile, ProfileActivity, ProfileSearchHit, RfmDistribution, TraitChange } from '../customer-types.ts';

export const profileKeys = {
  all: ['customer-profiles'] as const,
  search: (type: string, q: string) => ['customer-profiles', 'search', type, q] as const,
  detail: (profileId: string) => ['customer-profiles', 'detail', profileId] as const,
  of: (profileId: string, what: string) => ['customer-profiles', 'of', profileId, what] as const,
  rfm: ['customer-profiles', 'rfm-distribution'] as const,
};

/** What a search shows: hits from any identifier, or the one person an identifier of a given type names. */
export interface SearchResult {
  hits: ProfileSearchHit[];
}

/** People by an identifier: `any` searches every type (GET /profiles/search), a type looks one up (GET /profiles/lookup). */
export function useProfileSearch(type: string, q: string) {
  return useQuery({
    queryKey: profileKeys.search(type, q),
    enabled: q.trim().length > 0,
    meta: { silent: true },
    queryFn: async (): Promise<SearchResult> => {
      if (type === 'any') return { hits: (await api.get<{ data: ProfileSearchHit[] }>('/profiles/search', { q, limit: 50 })).data };
      try {
        const p = await api.get<Profile>('/profiles/lookup', { type, value: q });
        const matched = p.identities.find((i) => i.type === type) ?? { type, value: q };
        return { hits: [{ id: p.id, matched: { type: matched.type, value: matched.value }, traits: p.traits, lastSeenAt: p.lastSeenAt }] };
      } catch (error) {
        // nobody with that identifier (or nobody the caller may see) is an empty result, not an error
        if (error instanceof ApiError && error.status === 404) return { hits: [] };
        throw error;
      }
    },
  });
}

/** One person's 360° view. */
export function useProfile(profileId: string) {
  return useQuery({ queryKey: profileKeys.detail(profileId), queryFn: () => api.get<Profile>(`/profiles/${profileId}`) });
}

/** A person's events across channels and stores, newest first, a page at a time. */
export function useProfileEvents(profileId: string) {
  return useInfiniteQuery({
    queryKey: profileKeys.of(profileId, 'events'),
    queryFn: ({ pageParam }) => api.get<Page<CustomerEvent>>(`/profiles/${profileId}/events`, { cursor: pageParam, limit: 30 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** Merges, splits, dropped links and re-homed identifiers of a person. */
export function useIdentityHistory(profileId: string) {
  return useQuery({
    queryKey: profileKeys.of(profileId, 'identity-history'),
    queryFn: async () => (await api.get<{ data: IdentityLogEntry[] }>(`/profiles/${profileId}/identity-history`)).data,
  });
}

/** Every value a person's traits took, newest first. */
export function useTraitHistory(profileId: string) {
  return useQuery({
    queryKey: profileKeys.of(profileId, 'trait-history'),
    queryFn: async () => (await api.get<{ data: TraitChange[] }>(`/profiles/${profileId}/trait-history`)).data,
  });
}

/** A person's events per day and channel, and per channel and store. */
export function useProfileActivity(profileId: string, days: number) {
  return useQuery({
    queryKey: [...profileKeys.of(profileId, 'activity'), days],
    queryFn: () => api.get<ProfileActivity>(`/profiles/${profileId}/activity`, { days }),
  });
}

/** How many people have each RFM score. */
export function useRfmDistribution() {
  return useQuery({ queryKey: profileKeys.rfm, queryFn: () => api.get<RfmDistribution>('/profiles/rfm-distribution'), staleTime: 60_000 });
}

/** A write about a person: afterwards everything shown about people reloads. `silent`: the caller shows its errors. */
export function useProfileMutation<TVariables, TResult>(write: (variables: TVariables) => Promise<TResult>, meta?: { silent?: boolean }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    meta,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: profileKeys.all });
    },
  });
}
