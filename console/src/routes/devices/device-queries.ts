// The device queries, and how live events and writes keep what the console shows current.
import { type InfiniteData, keepPreviousData, type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { Device, DeviceDetail, DeviceProfile, LatestValue, LiveEvent, Page } from '../../lib/api-types.ts';

export const devicePageSize = 50;

/** The device list's filters (also the address's search of /devices). */
export interface DeviceListFilters {
  storeId?: string;
  orgUnitId?: string;
  profileId?: string;
  online?: 'true' | 'false';
  q?: string;
}

export const deviceKeys = {
  all: ['devices'] as const,
  list: (filters: DeviceListFilters) => ['devices', 'list', filters] as const,
  store: (storeId: string) => ['devices', 'store', storeId] as const,
  detail: (deviceId: string) => ['devices', 'detail', deviceId] as const,
  latest: (deviceId: string) => ['devices', 'latest', deviceId] as const,
  of: (deviceId: string, what: string, ...rest: unknown[]) => ['devices', 'of', deviceId, what, ...rest] as const,
};

/** The devices in the caller's scope under the filters, a page at a time. */
export function useDeviceList(filters: DeviceListFilters) {
  return useInfiniteQuery({
    queryKey: deviceKeys.list(filters),
    queryFn: ({ pageParam }) => api.get<Page<Device>>('/devices', { ...filters, cursor: pageParam, limit: devicePageSize }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** A store's devices (the first 200: a store has tens, not hundreds). */
export function useStoreDevices(storeId: string) {
  return useQuery({
    queryKey: deviceKeys.store(storeId),
    queryFn: async () => (await api.get<Page<Device>>(`/stores/${storeId}/devices`, { limit: 200 })).data,
  });
}

/** Drop counters are not live events: the device page reloads this often to keep them current. */
const deviceReloadMs = 30_000;

/** One device with latest values, drop counters and credential type. */
export function useDevice(deviceId: string) {
  return useQuery({
    queryKey: deviceKeys.detail(deviceId),
    queryFn: () => api.get<DeviceDetail>(`/devices/${deviceId}`),
    refetchInterval: deviceReloadMs,
  });
}

/** A device's latest values (for lists, where the device itself carries none). */
export function useLatestValues(deviceId: string, enabled = true) {
  return useQuery({
    queryKey: deviceKeys.latest(deviceId),
    queryFn: async () => (await api.get<{ data: LatestValue[] }>(`/devices/${deviceId}/telemetry/latest`)).data,
    enabled,
    meta: { silent: true },
  });
}

/** Every device profile of the tenant (a tenant has tens). */
export function useDeviceProfiles() {
  return useQuery({
    queryKey: ['device-profiles', 'list'],
    queryFn: async () => (await api.get<Page<DeviceProfile>>('/device-profiles', { limit: 200 })).data,
    staleTime: 60_000,
  });
}

/** Merges new data points into a list of latest values (a newer point replaces an older one). */
export function mergeLatest(latest: readonly LatestValue[], points: readonly LatestValue[]): LatestValue[] {
  const byKey = new Map(latest.map((value) => [value.key, value]));
  for (const point of points) {
    const held = byKey.get(point.key);
    if (!held || held.ts <= point.ts) byKey.set(point.key, { key: point.key, ts: point.ts, value: point.value });
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}

function patchDevice<T extends Device>(device: T, event: LiveEvent): T {
  if (event.kind === 'status') return { ...device, online: event.online, lastActivityAt: new Date(event.lastActivityAt).toISOString() };
  if (event.kind === 'telemetry') {
    const newest = Math.max(...event.points.map((point) => point.ts));
    const last = device.lastActivityAt ? new Date(device.lastActivityAt).getTime() : 0;
    // a device that sends data is online, whatever the status event that may follow says
    return { ...device, online: true, lastActivityAt: new Date(Math.max(last, newest, Date.now() - 1000)).toISOString() };
  }
  return device;
}

/**
 * Applies a live event to every cached view of its device: the device page, the store's list, the device
 * lists, the latest values; an alarm change reloads the alarm lists and summaries.
 */
export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent): void {
  if (event.kind === 'alarm') {
    void queryClient.invalidateQueries({ queryKey: ['alarms'] });
    return;
  }
  queryClient.setQueryData<DeviceDetail>(deviceKeys.detail(event.deviceId), (device) => {
    if (!device) return device;
    const patched = patchDevice(device, event);
    return event.kind === 'telemetry' ? { ...patched, latest: mergeLatest(patched.latest, event.points) } : patched;
  });
  queryClient.setQueryData<Device[]>(deviceKeys.store(event.storeId), (devices) =>
    devices?.map((device) => (device.id === event.deviceId ? patchDevice(device, event) : device)),
  );
  // every loaded page of the device lists that holds the device
  queryClient.setQueriesData<InfiniteData<Page<Device>>>({ queryKey: ['devices', 'list'] }, (lists) =>
    lists?.pages.some((page) => page.data.some((device) => device.id === event.deviceId))
      ? {
          ...lists,
          pages: lists.pages.map((page) => ({
            ...page,
            data: page.data.map((device) => (device.id === event.deviceId ? patchDevice(device, event) : device)),
          })),
        }
      : lists,
  );
  if (event.kind === 'telemetry') {
    queryClient.setQueryData<LatestValue[]>(deviceKeys.latest(event.deviceId), (latest) => (latest ? mergeLatest(latest, event.points) : latest));
  }
}

/** A write to one device: afterwards its page and every device list reload. */
export function useDeviceMutation<TVariables, TResult>(
  deviceId: string,
  write: (variables: TVariables) => Promise<TResult>,
  options: { silent?: boolean } = {},
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    meta: { silent: options.silent },
    onSuccess: async () => {
      await queryClient.invalidateQueries({
        queryKey: deviceKeys.all,
        predicate: ({ queryKey }) => queryKey[1] === 'list' || queryKey[1] === 'store' || queryKey[2] === deviceId,
      });
    },
  });
}
