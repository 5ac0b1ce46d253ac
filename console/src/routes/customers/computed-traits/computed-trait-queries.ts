// Computed traits and customer settings: lists and writes that reload them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client.ts';
import type { Page } from '../../../lib/api-types.ts';
import type { ComputedTrait, CustomerSettings } from '../customer-types.ts';

export const traitKeys = {
  all: ['computed-traits'] as const,
  settings: ['customer-settings'] as const,
};

/** Every computed trait of the tenant (a tenant has tens); polled while one is still computing. */
export function useComputedTraits() {
  return useQuery({
    queryKey: traitKeys.all,
    queryFn: async () => (await api.get<Page<ComputedTrait>>('/computed-traits')).data,
    refetchInterval: (query) => ((query.state.data ?? []).some((trait) => trait.status === 'computing') ? 2000 : false),
  });
}

/** A write to computed traits: afterwards the list reloads. */
export function useTraitMutation<TVariables, TResult>(write: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: traitKeys.all });
    },
  });
}

/** Identity rules, RFM windows and the current RFM boundaries. */
export function useCustomerSettings() {
  return useQuery({ queryKey: traitKeys.settings, queryFn: () => api.get<CustomerSettings>('/customer-settings') });
}

/** A change of the customer settings: afterwards they reload. */
export function useSettingsMutation<TVariables, TResult>(write: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: traitKeys.settings });
    },
  });
}
