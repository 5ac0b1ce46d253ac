// How a task's state and due time look: a coloured tag, and "overdue" in red.
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CorrectiveStatus, TaskStatus } from './operations-types.ts';

const taskColors: Record<TaskStatus, string> = {
  scheduled: 'default',
  open: 'blue',
  in_progress: 'processing',
  submitted: 'purple',
  approved: 'green',
  returned: 'orange',
  overdue: 'red',
  expired: 'default',
};

/** A task's state as a tag. */
export function TaskStatusTag({ status }: { status: TaskStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={taskColors[status]} data-testid="task-status" data-status={status}>
      {t(`operations.status.${status}`)}
    </Tag>
  );
}

const actionColors: Record<CorrectiveStatus, string> = {
  open: 'blue',
  in_progress: 'processing',
  pending_review: 'purple',
  approved: 'green',
  pushed_back: 'orange',
};

/** A corrective action's state as a tag. */
export function ActionStatusTag({ status }: { status: CorrectiveStatus }) {
  const { t } = useTranslation();
  return <Tag color={actionColors[status]}>{t(`operations.actionStatus.${status}`)}</Tag>;
}
