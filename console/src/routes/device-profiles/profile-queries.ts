// The device-profile queries.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { AlarmRulesDocument, DeviceProfile } from '../../lib/api-types.ts';

export const profileKeys = {
  all: ['device-profiles'] as const,
  detail: (id: string) => ['device-profiles', 'detail', id] as const,
  rules: (id: string) => ['device-profiles', 'rules', id] as const,
};

/** One device profile. */
export function useProfile(profileId: string) {
  return useQuery({
    queryKey: profileKeys.detail(profileId),
    queryFn: () => api.get<DeviceProfile>(`/device-profiles/${profileId}`),
  });
}

/** A profile's alarm rules as stored (the export document: the profile itself carries only their count). */
export function useProfileRules(profileId: string) {
  return useQuery({
    queryKey: profileKeys.rules(profileId),
    queryFn: () => api.get<AlarmRulesDocument>(`/device-profiles/${profileId}/alarm-rules`),
    staleTime: Number.POSITIVE_INFINITY, // changes only through this console's save, which updates it
  });
}
