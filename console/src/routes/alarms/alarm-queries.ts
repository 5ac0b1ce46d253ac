// The alarm queries and the acknowledge and clear actions.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { Alarm, AlarmSeverity, AlarmStatus, AlarmSummary, ListedAlarm, Page } from '../../lib/api-types.ts';

export const alarmPageSize = 50;

/** The alarm filters GET /alarms takes (severity and status as lists). */
export interface AlarmFilters {
  orgUnitId?: string;
  storeId?: string;
  deviceId?: string;
  severity?: AlarmSeverity[];
  status?: AlarmStatus[];
  type?: string;
}

function toQuery(filters: AlarmFilters) {
  return {
    orgUnitId: filters.orgUnitId,
    storeId: filters.storeId,
    deviceId: filters.deviceId,
    severity: filters.severity?.join(','),
    status: filters.status?.join(','),
    type: filters.type,
  };
}

/** Alarms under the filters, newest first, a page at a time; `followMs` reloads them that often. */
export function useAlarmList(filters: AlarmFilters, followMs: number | false = false) {
  return useInfiniteQuery({
    queryKey: ['alarms', 'list', filters],
    queryFn: ({ pageParam }) => api.get<Page<ListedAlarm>>('/alarms', { ...toQuery(filters), cursor: pageParam, limit: alarmPageSize }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: followMs,
  });
}

/** Alarms needing attention by severity and status. */
export function useAlarmSummary(filters: AlarmFilters = {}, followMs: number | false = 30_000) {
  return useQuery({
    queryKey: ['alarms', 'summary', filters],
    queryFn: () => api.get<AlarmSummary>('/alarms/summary', toQuery(filters)),
    refetchInterval: followMs,
    meta: { silent: true },
  });
}

export type AlarmAction = 'ack' | 'clear';

/** Acknowledges or clears an alarm; every alarm list and summary reloads after. */
export function useAlarmAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ alarmId, action }: { alarmId: string; action: AlarmAction }) => api.post<Alarm>(`/alarms/${alarmId}/${action}`),
    meta: { silent: true },
    onSettled: async () => {
      await queryClient.invalidateQueries({ queryKey: ['alarms'] });
    },
  });
}
