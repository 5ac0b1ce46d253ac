// The operations queries and writes; a write reloads what it changed.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api-client.ts';
import type { Page } from '../../lib/api-types.ts';
import type {
  Answers,
  AuditDetail,
  AuditListItem,
  AuditScoreRow,
  ComplianceRow,
  CorrectiveAction,
  CorrectiveDetail,
  CorrectiveStatus,
  HeatCell,
  SendPreview,
  StoreBoard,
  TaskDetail,
  TaskListItem,
  TaskSend,
  TaskTemplate,
  TemplateDefinition,
} from './operations-types.ts';

export const opsKeys = {
  all: ['operations'] as const,
  templates: (kind?: string) => ['operations', 'templates', kind ?? 'all'] as const,
  template: (id: string) => ['operations', 'template', id] as const,
  sends: ['operations', 'sends'] as const,
  board: (storeId: string, view: string) => ['operations', 'board', storeId, view] as const,
  task: (id: string) => ['operations', 'task', id] as const,
  assignees: (storeId: string) => ['operations', 'assignees', storeId] as const,
  approvals: ['operations', 'approvals'] as const,
  audits: ['operations', 'audits'] as const,
  audit: (id: string) => ['operations', 'audit', id] as const,
  actions: (status?: string) => ['operations', 'actions', status ?? 'all'] as const,
  action: (id: string) => ['operations', 'action', id] as const,
  report: (what: string, query: object) => ['operations', 'report', what, query] as const,
};

export function useTemplates(kind?: 'task' | 'audit') {
  return useQuery({ queryKey: opsKeys.templates(kind), queryFn: async () => (await api.get<{ data: TaskTemplate[] }>('/task-templates', { kind })).data });
}

export function useTemplate(id: string | undefined) {
  return useQuery({ queryKey: opsKeys.template(id ?? ''), queryFn: () => api.get<TaskTemplate>(`/task-templates/${id}`), enabled: Boolean(id) });
}

export function useSends() {
  return useQuery({ queryKey: opsKeys.sends, queryFn: async () => (await api.get<{ data: TaskSend[] }>('/task-sends', { limit: 100 })).data });
}

export function useBoard(storeId: string | undefined, view: 'mine' | 'all') {
  return useQuery({
    queryKey: opsKeys.board(storeId ?? '', view),
    queryFn: () => api.get<StoreBoard>(`/stores/${storeId}/tasks`, { view }),
    enabled: Boolean(storeId),
    refetchInterval: 60_000,
  });
}

export function useTask(id: string) {
  return useQuery({ queryKey: opsKeys.task(id), queryFn: () => api.get<TaskDetail>(`/tasks/${id}`) });
}

/** The store's staff a task can be given to (asked only by those who give tasks out). */
export function useAssignees(storeId: string, enabled: boolean) {
  return useQuery({
    queryKey: opsKeys.assignees(storeId),
    queryFn: async () => (await api.get<{ data: { id: string; name: string; role: string }[] }>(`/stores/${storeId}/tasks/assignees`)).data,
    enabled,
  });
}

export function useApprovals() {
  return useQuery({ queryKey: opsKeys.approvals, queryFn: async () => (await api.get<{ data: TaskListItem[] }>('/tasks/approvals', { limit: 100 })).data });
}

export function useTaskList(query: { storeId?: string; status?: string }) {
  return useQuery({ queryKey: ['operations', 'tasks', query], queryFn: () => api.get<Page<TaskListItem>>('/tasks', { ...query, limit: 100 }) });
}

export function useAudits() {
  return useQuery({ queryKey: opsKeys.audits, queryFn: async () => (await api.get<{ data: AuditListItem[] }>('/audits', { limit: 100 })).data });
}

export function useAudit(id: string) {
  return useQuery({ queryKey: opsKeys.audit(id), queryFn: () => api.get<AuditDetail>(`/audits/${id}`) });
}

export function useCorrectiveActions(status?: string) {
  return useQuery({
    queryKey: opsKeys.actions(status),
    queryFn: async () => (await api.get<{ data: CorrectiveAction[] }>('/corrective-actions', { status, limit: 200 })).data,
  });
}

export function useCorrectiveAction(id: string | undefined) {
  return useQuery({ queryKey: opsKeys.action(id ?? ''), queryFn: () => api.get<CorrectiveDetail>(`/corrective-actions/${id}`), enabled: Boolean(id) });
}

export interface ReportQuery {
  groupBy: 'store' | 'region';
  from: string;
  to: string;
}

export function useCompliance(q: ReportQuery) {
  return useQuery({
    queryKey: opsKeys.report('compliance', q),
    queryFn: async () => (await api.get<{ data: ComplianceRow[] }>('/operations/reports/compliance', { ...q })).data,
  });
}

export function useComplianceTrend(q: Omit<ReportQuery, 'groupBy'>) {
  return useQuery({
    queryKey: opsKeys.report('trend', q),
    queryFn: async () =>
      (await api.get<{ data: { week: string; completionRate: number; onTimeRate: number; total: number }[] }>('/operations/reports/compliance-trend', { ...q }))
        .data,
  });
}

export function useAuditScores(q: ReportQuery) {
  return useQuery({
    queryKey: opsKeys.report('audits', q),
    queryFn: async () => (await api.get<{ data: AuditScoreRow[] }>('/operations/reports/audits', { ...q })).data,
  });
}

export function useAuditHeatmap(q: Omit<ReportQuery, 'groupBy'>) {
  return useQuery({
    queryKey: opsKeys.report('heatmap', q),
    queryFn: async () => (await api.get<{ data: HeatCell[] }>('/operations/reports/audit-heatmap', { ...q })).data,
  });
}

/** A write under /operations: afterwards every operations view reloads. */
export function useOpsMutation<TVariables, TResult>(write: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: write, onSuccess: () => queryClient.invalidateQueries({ queryKey: opsKeys.all }) });
}

export const opsApi = {
  createTemplate: (body: { orgUnitId: string; kind: 'task' | 'audit'; name: string; definition: TemplateDefinition }) =>
    api.post<TaskTemplate>('/task-templates', body),
  updateTemplate: (id: string, body: { name?: string; definition?: TemplateDefinition; archived?: boolean; version?: number }) =>
    api.patch<TaskTemplate>(`/task-templates/${id}`, body),
  preview: (body: object) => api.post<SendPreview>('/task-sends/preview', body),
  send: (body: object) => api.post<TaskSend>('/task-sends', body),
  saveAnswers: (id: string, answers: Answers, version?: number) => api.put<TaskDetail>(`/tasks/${id}/answers`, { answers, version }),
  submit: (id: string, answers: Answers, version?: number) => api.post<TaskDetail>(`/tasks/${id}/submit`, { answers, version }),
  assign: (id: string, userId: string | null, version?: number) => api.post<TaskDetail>(`/tasks/${id}/assign`, { userId, version }),
  approve: (id: string, version?: number) => api.post<TaskDetail>(`/tasks/${id}/approve`, { version }),
  returnTask: (id: string, reason: string, version?: number) => api.post<TaskDetail>(`/tasks/${id}/return`, { reason, version }),
  startAudit: (templateId: string, storeId: string) => api.post<AuditDetail>('/audits', { templateId, storeId }),
  saveAudit: (id: string, answers: Answers) => api.put<AuditDetail>(`/audits/${id}/answers`, { answers }),
  completeAudit: (id: string, answers: Answers) => api.post<AuditDetail>(`/audits/${id}/complete`, { answers }),
  moveAction: (id: string, body: { to: CorrectiveStatus; note?: string; photoFileIds?: string[]; version?: number }) =>
    api.post<CorrectiveDetail>(`/corrective-actions/${id}/transitions`, body),
};
