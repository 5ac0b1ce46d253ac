// The maintenance queries and changes; every change refreshes what it touched.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiRequest } from '../../lib/api-client.ts';
import type {
  Asset,
  AssetDetail,
  Board,
  FileRef,
  MaintenanceReport,
  MaintenanceRequest,
  PmEntry,
  WorkOrderDetail,
  WorkOrderStatus,
} from './maintenance-types.ts';

export const maintenanceKeys = {
  all: ['maintenance'] as const,
  board: (storeId?: string) => ['maintenance', 'board', storeId ?? ''] as const,
  workOrder: (id: string) => ['maintenance', 'work-order', id] as const,
  assets: (q: Record<string, string | undefined>) => ['maintenance', 'assets', q] as const,
  asset: (id: string) => ['maintenance', 'asset', id] as const,
  requests: ['maintenance', 'requests'] as const,
  calendar: (from: string, to: string) => ['maintenance', 'calendar', from, to] as const,
  report: (from: string, to: string) => ['maintenance', 'report', from, to] as const,
};

/** The work-order board, optionally of one store. */
export function useBoard(storeId?: string) {
  return useQuery({
    queryKey: maintenanceKeys.board(storeId),
    queryFn: () => api.get<Board>('/work-orders/board', { storeId, perColumn: 50 }),
    refetchInterval: 30_000,
  });
}

/** One work order with its history. */
export function useWorkOrder(id: string) {
  return useQuery({ queryKey: maintenanceKeys.workOrder(id), queryFn: () => api.get<WorkOrderDetail>(`/work-orders/${id}`) });
}

/** Uploads a file (photo, signature) for an org unit; answers its reference. */
export function uploadFile(orgUnitId: string, file: Blob, name: string): Promise<FileRef> {
  return apiRequest<FileRef>('POST', '/files', { query: { orgUnitId, name }, body: file, contentType: file.type });
}

/** Changes to one work order, each refreshing it and the board. */
export function useWorkOrderActions(id: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all });
  return {
    transition: useMutation({
      mutationFn: (body: { to: WorkOrderStatus; version: number; note?: string; signatureFileId?: string }) => api.post(`/work-orders/${id}/transitions`, body),
      onSettled: refresh,
    }),
    update: useMutation({ mutationFn: (body: Record<string, unknown>) => api.patch(`/work-orders/${id}`, body), onSettled: refresh }),
    note: useMutation({ mutationFn: (body: { text: string; photoIds?: string[] }) => api.post(`/work-orders/${id}/notes`, body), onSettled: refresh }),
  };
}

/** Opens a work order. */
export function useCreateWorkOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<{ id: string }>('/work-orders', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all }),
  });
}

/** Assets in scope (first 200 of the filter). */
export function useAssets(q: { storeId?: string; q?: string; status?: string }) {
  return useQuery({ queryKey: maintenanceKeys.assets(q), queryFn: async () => (await api.get<{ data: Asset[] }>('/assets', { ...q, limit: 200 })).data });
}

/** One asset. */
export function useAsset(id: string) {
  return useQuery({ queryKey: maintenanceKeys.asset(id), queryFn: () => api.get<AssetDetail>(`/assets/${id}`) });
}

/** Registers an asset, or changes its status. */
export function useAssetActions() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all });
  return {
    create: useMutation({ mutationFn: (body: Record<string, unknown>) => api.post<AssetDetail>('/assets', body), onSuccess: refresh }),
    setStatus: useMutation({
      mutationFn: ({ id, status }: { id: string; status: string }) => api.post(`/assets/${id}/status`, { status }),
      onSettled: refresh,
    }),
  };
}

/** Pending fault reports, and approving or rejecting one. */
export function useRequests() {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: maintenanceKeys.all });
  return {
    list: useQuery({ queryKey: maintenanceKeys.requests, queryFn: async () => (await api.get<{ data: MaintenanceRequest[] }>('/maintenance/requests')).data }),
    approve: useMutation({
      mutationFn: ({ id, priority }: { id: string; priority: string }) =>
        api.post<{ workOrderId: string }>(`/maintenance/requests/${id}/approve`, { priority }),
      onSuccess: refresh,
    }),
    reject: useMutation({
      mutationFn: ({ id, reason }: { id: string; reason: string }) => api.post(`/maintenance/requests/${id}/reject`, { reason }),
      onSuccess: refresh,
    }),
  };
}

/** PM due dates between two dates. */
export function usePmCalendar(from: string, to: string) {
  return useQuery({
    queryKey: maintenanceKeys.calendar(from, to),
    queryFn: async () => (await api.get<{ data: PmEntry[] }>('/pm-schedules/calendar', { from, to })).data,
  });
}

/** The maintenance report of a window. */
export function useMaintenanceReport(from: string, to: string) {
  return useQuery({ queryKey: maintenanceKeys.report(from, to), queryFn: () => api.get<MaintenanceReport>('/maintenance/reports', { from, to }) });
}
