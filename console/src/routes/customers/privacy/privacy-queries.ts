// Privacy requests: the list, one request with its receipt or export, and how to save an export as a file.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { PrivacyRequest, PrivacyRequestDetail } from '../customer-types.ts';

export const privacyKeys = {
  all: ['privacy-requests'] as const,
  detail: (id: string) => ['privacy-requests', id] as const,
};

/** Deletion and export requests of the tenant, newest first. */
export function usePrivacyRequests() {
  return useQuery({ queryKey: privacyKeys.all, queryFn: async () => (await api.get<{ data: PrivacyRequest[] }>('/privacy/requests')).data });
}

/** One request with its receipt or export. */
export function usePrivacyRequest(id: string | null) {
  return useQuery({
    queryKey: privacyKeys.detail(id ?? ''),
    queryFn: () => api.get<PrivacyRequestDetail>(`/privacy/requests/${id}`),
    enabled: Boolean(id),
  });
}

/** Saves an export as a JSON file in the browser's downloads. */
export function downloadJson(name: string, value: unknown): void {
  const blob = new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
