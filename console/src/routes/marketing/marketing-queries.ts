// The marketing queries and changes; every change refreshes what it touched.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type {
  AdAudience,
  AudienceEstimate,
  Campaign,
  CampaignResults,
  Channel,
  DeadLetter,
  ProfileMessage,
  SegmentOption,
  Template,
  TemplateIssue,
} from './marketing-types.ts';

export const marketingKeys = {
  all: ['marketing'] as const,
  campaigns: (status?: string) => ['marketing', 'campaigns', status ?? ''] as const,
  campaign: (id: string) => ['marketing', 'campaign', id] as const,
  audience: (id: string) => ['marketing', 'audience', id] as const,
  results: (id: string) => ['marketing', 'results', id] as const,
  templates: ['marketing', 'templates'] as const,
  channels: ['marketing', 'channels'] as const,
  segments: ['marketing', 'segments'] as const,
  deadLetters: (id: string) => ['marketing', 'dead-letters', id] as const,
  adAudiences: ['marketing', 'ad-audiences'] as const,
  profileMessages: (id: string) => ['marketing', 'profile-messages', id] as const,
};

export function useCampaigns(status?: string) {
  return useQuery({ queryKey: marketingKeys.campaigns(status), queryFn: () => api.get<{ data: Campaign[] }>('/marketing/campaigns', { status, limit: 200 }) });
}

export function useCampaign(id: string) {
  return useQuery({ queryKey: marketingKeys.campaign(id), queryFn: () => api.get<Campaign>(`/marketing/campaigns/${id}`), refetchInterval: 10_000 });
}

export function useAudience(id: string) {
  return useQuery({ queryKey: marketingKeys.audience(id), queryFn: () => api.get<AudienceEstimate>(`/marketing/campaigns/${id}/audience`) });
}

export function useResults(id: string) {
  return useQuery({
    queryKey: marketingKeys.results(id),
    queryFn: () => api.get<CampaignResults>(`/marketing/campaigns/${id}/results`),
    refetchInterval: 15_000,
  });
}

export function useTemplates() {
  return useQuery({ queryKey: marketingKeys.templates, queryFn: () => api.get<{ data: Template[]; variables: string[] }>('/marketing/templates') });
}

export function useChannels() {
  return useQuery({ queryKey: marketingKeys.channels, queryFn: () => api.get<{ data: Channel[] }>('/marketing/channels') });
}

export function useDeadLetters(channelId: string | undefined) {
  return useQuery({
    queryKey: marketingKeys.deadLetters(channelId ?? ''),
    queryFn: () => api.get<{ data: DeadLetter[] }>(`/marketing/channels/${channelId}/dead-letters`),
    enabled: Boolean(channelId),
  });
}

export function useAdAudiences() {
  return useQuery({ queryKey: marketingKeys.adAudiences, queryFn: () => api.get<{ data: AdAudience[] }>('/marketing/ad-audiences') });
}

/** Segments to aim at (the customers module's list). */
export function useSegmentOptions() {
  return useQuery({ queryKey: marketingKeys.segments, queryFn: () => api.get<{ data: SegmentOption[] }>('/segments') });
}

export function useProfileMessages(profileId: string) {
  return useQuery({
    queryKey: marketingKeys.profileMessages(profileId),
    queryFn: () => api.get<{ data: ProfileMessage[] }>(`/marketing/profiles/${profileId}/messages`),
  });
}

/** Checks template text without saving it. */
export function checkTemplate(body: { subject?: string | null; body: string }) {
  return api.post<{ ok: boolean; issues: TemplateIssue[]; variables: string[] }>('/marketing/templates/check', body);
}

/** Renders a template for one person. */
export function previewTemplate(body: { templateId?: string; subject?: string | null; body?: string; profileId: string }) {
  return api.post<{ subject: string | null; body: string }>('/marketing/templates/preview', body);
}

/** Changes to templates and campaigns, each refreshing the marketing queries. */
export function useMarketingActions() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: marketingKeys.all });
  return {
    saveTemplate: useMutation({
      mutationFn: ({ id, ...body }: { id?: string; name: string; subject?: string | null; body: string }) =>
        id ? api.patch<Template>(`/marketing/templates/${id}`, body) : api.post<Template>('/marketing/templates', body),
      onSettled: refresh,
    }),
    createCampaign: useMutation({ mutationFn: (body: Record<string, unknown>) => api.post<Campaign>('/marketing/campaigns', body), onSettled: refresh }),
    campaignAction: useMutation({
      mutationFn: ({ id, action }: { id: string; action: 'launch' | 'pause' | 'resume' | 'cancel' | 'replay-failed' }) =>
        api.post(`/marketing/campaigns/${id}/${action}`),
      onSettled: refresh,
    }),
    saveChannel: useMutation({
      mutationFn: ({ id, ...body }: { id?: string } & Record<string, unknown>) =>
        id ? api.patch<Channel>(`/marketing/channels/${id}`, body) : api.post<Channel & { secret: string }>('/marketing/channels', body),
      onSettled: refresh,
    }),
    testChannel: useMutation({
      mutationFn: ({ id, ...body }: { id: string; to: string; body: string }) =>
        api.post<{ ok: boolean; error: string | null }>(`/marketing/channels/${id}/test-send`, body),
    }),
    replayDeadLetters: useMutation({
      mutationFn: ({ id, messageIds }: { id: string; messageIds?: string[] }) =>
        api.post<{ requeued: number }>(`/marketing/channels/${id}/replay`, messageIds ? { messageIds } : {}),
      onSettled: refresh,
    }),
    saveAdAudience: useMutation({
      mutationFn: ({ id, ...body }: { id?: string } & Record<string, unknown>) =>
        id ? api.patch<AdAudience>(`/marketing/ad-audiences/${id}`, body) : api.post<AdAudience>('/marketing/ad-audiences', body),
      onSettled: refresh,
    }),
    refreshAdAudience: useMutation({
      mutationFn: (id: string) => api.post<AdAudience>(`/marketing/ad-audiences/${id}/refresh`),
      onSettled: refresh,
    }),
    testSend: useMutation({
      mutationFn: ({ id, ...body }: { id: string; profileId: string; variant?: string; to?: string }) =>
        api.post<{ ok: boolean; to: string; body: string; error: string | null }>(`/marketing/campaigns/${id}/test-send`, body),
    }),
  };
}
