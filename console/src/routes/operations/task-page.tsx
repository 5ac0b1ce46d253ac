// One task: its instructions and checklist answered in place (photos from the phone's camera), saved as a
// draft or submitted; a manager approves it or returns it with a reason.
import { getRouteApi } from '@tanstack/react-router';
import { Alert, Button, Card, Descriptions, Empty, Flex, Input, Modal, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api-client.ts';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { ChecklistForm } from './checklist-form.tsx';
import { opsApi, useAssignees, useOpsMutation, useTask } from './operations-queries.ts';
import type { Answers, TaskDetail } from './operations-types.ts';
import { TaskStatusTag } from './task-status.tsx';

const routeApi = getRouteApi('/signed-in/operations/tasks/$taskId');
const workable = new Set(['open', 'in_progress', 'returned', 'overdue']);

/** The server's per-item complaints (400 naming the item), by item key. */
export function itemErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.code !== 'invalid') return {};
  const out: Record<string, string> = {};
  for (const issue of error.details.issues ?? []) {
    const item = (issue as { item?: string }).item;
    if (item) out[item] = issue.message;
  }
  return out;
}

const assignable = new Set(['scheduled', ...workable]);

/** Who the task is for: its role, or the person a manager gave it to (managers pick here). */
function AssigneeField({ task }: { task: TaskDetail }) {
  const { t } = useTranslation();
  const editable = task.can.assign && assignable.has(task.status);
  const staff = useAssignees(task.store.id, editable);
  const assign = useOpsMutation((userId: string | null) => opsApi.assign(task.id, userId, task.version));
  const roleLabel = t('operations.task.toRole', { role: t(`roles.${task.role}`, { defaultValue: task.role }) });
  if (!editable) return <>{task.assignee?.name ?? roleLabel}</>;
  const people = staff.data ?? (task.assignee ? [{ ...task.assignee, role: '' }] : []);
  return (
    <Select
      data-testid="task-assignee"
      style={{ minWidth: 200, maxWidth: '100%' }}
      loading={staff.isPending || assign.isPending}
      value={task.assignee?.id ?? ''}
      options={[{ value: '', label: roleLabel }, ...people.map((p) => ({ value: p.id, label: p.name }))]}
      onChange={(value: string) =>
        assign.mutate(value || null, { onSuccess: () => showSuccess(t('common.saved')), onError: (error) => showError(error) })
      }
    />
  );
}

/** The task screen. */
export function TaskPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { taskId } = routeApi.useParams();
  const task = useTask(taskId);
  const [answers, setAnswers] = useState<Answers>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (task.data) setAnswers(task.data.answers);
  }, [task.data]);

  const onError = (error: unknown) => {
    setErrors(itemErrors(error));
    showError(error);
  };
  const save = useOpsMutation(() => opsApi.saveAnswers(taskId, answers, task.data?.version));
  const submit = useOpsMutation(() => opsApi.submit(taskId, answers, task.data?.version));
  const approve = useOpsMutation(() => opsApi.approve(taskId, task.data?.version));
  const giveBack = useOpsMutation(() => opsApi.returnTask(taskId, reason, task.data?.version));

  if (task.isPending) return <Skeleton active />;
  if (!task.data) return <Empty description={t('errors.loadFailed')} />;
  const d = task.data;
  const canWork = d.can.execute && workable.has(d.status);

  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="task-page">
      <Flex justify="space-between" align="center" gap={8} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {d.title}
        </Typography.Title>
        <TaskStatusTag status={d.status} />
      </Flex>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('operations.task.store')}>{`${d.store.name} (${d.store.code})`}</Descriptions.Item>
        <Descriptions.Item label={t('operations.task.due')}>{`${formatDateTime(d.dueAt, language)} · ${d.store.timeZone}`}</Descriptions.Item>
        <Descriptions.Item label={t('operations.task.minutes')}>{d.estimatedMinutes}</Descriptions.Item>
        <Descriptions.Item label={t('operations.task.approval')}>{t(`operations.approval.${d.approval}`)}</Descriptions.Item>
        <Descriptions.Item label={t('operations.task.assignee')}>
          <AssigneeField task={d} />
        </Descriptions.Item>
      </Descriptions>
      {d.status === 'returned' && d.returnReason && (
        <Alert type="warning" showIcon title={t('operations.task.returned', { reason: d.returnReason })} data-testid="return-reason" />
      )}
      {(d.definition.instructions || d.definition.instructionFileIds.length > 0) && (
        <Card size="small" title={t('operations.task.instructions')} data-testid="task-instructions">
          {d.definition.instructions && (
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{d.definition.instructions}</Typography.Paragraph>
          )}
          {d.files
            .filter((f) => d.definition.instructionFileIds.includes(f.id))
            .map((f) => (
              <img key={f.id} src={f.url} alt={f.name} style={{ maxWidth: '100%', marginTop: 8 }} />
            ))}
        </Card>
      )}
      <ChecklistForm
        items={d.definition.items}
        value={answers}
        onChange={setAnswers}
        orgUnitId={d.store.orgUnitId}
        files={d.files}
        errors={errors}
        disabled={!canWork}
      />
      <Flex gap={8} wrap>
        {canWork && (
          <>
            <Button
              onClick={() =>
                save.mutate(undefined, {
                  onSuccess: () => {
                    setErrors({});
                    showSuccess(t('operations.task.saved'));
                  },
                  onError,
                })
              }
              loading={save.isPending}
              data-testid="task-save"
            >
              {t('operations.task.saveDraft')}
            </Button>
            <Button
              type="primary"
              onClick={() =>
                submit.mutate(undefined, {
                  onSuccess: () => {
                    setErrors({});
                    showSuccess(t('operations.task.submittedOk'));
                  },
                  onError,
                })
              }
              loading={submit.isPending}
              data-testid="task-submit"
            >
              {t('operations.task.submit')}
            </Button>
          </>
        )}
        {d.can.approve && d.status === 'submitted' && (
          <>
            <Button
              type="primary"
              onClick={() => approve.mutate(undefined, { onSuccess: () => showSuccess(t('operations.task.approvedOk')), onError: showError })}
              loading={approve.isPending}
              data-testid="task-approve"
            >
              {t('operations.task.approve')}
            </Button>
            <Button danger onClick={() => setReturning(true)} data-testid="task-return">
              {t('operations.task.return')}
            </Button>
          </>
        )}
      </Flex>
      <Modal
        open={returning}
        title={t('operations.task.return')}
        okButtonProps={{ disabled: !reason.trim(), loading: giveBack.isPending }}
        onOk={() => giveBack.mutate(undefined, { onSuccess: () => setReturning(false), onError: showError })}
        onCancel={() => setReturning(false)}
        destroyOnHidden
      >
        <Input.TextArea
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('operations.task.returnReason')}
          data-testid="return-reason-input"
        />
      </Modal>
    </Space>
  );
}
