// Submitted tasks waiting for the caller's approval, oldest first; each opens the task to approve or return.
import { Link } from '@tanstack/react-router';
import { Card, Empty, Flex, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useApprovals } from './operations-queries.ts';
import { TaskStatusTag } from './task-status.tsx';

/** The approval queue screen. */
export function ApprovalQueuePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const queue = useApprovals();
  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="approval-queue">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('operations.approvals.title')}
      </Typography.Title>
      {queue.isPending ? (
        <Skeleton active />
      ) : !queue.data?.length ? (
        <Empty description={t('operations.approvals.empty')} />
      ) : (
        queue.data.map((task) => (
          <Link key={task.id} to="/operations/tasks/$taskId" params={{ taskId: task.id }} data-testid="approval-task">
            <Card size="small" hoverable styles={{ body: { padding: 12 } }}>
              <Flex justify="space-between" gap={8}>
                <Typography.Text strong>{task.title}</Typography.Text>
                <TaskStatusTag status={task.status} />
              </Flex>
              <Typography.Text type="secondary">
                {`${task.storeName} (${task.storeCode}) · ${t('operations.approvals.submitted', { at: formatDateTime(task.submittedAt, language) })}`}
              </Typography.Text>
            </Card>
          </Link>
        ))
      )}
    </Space>
  );
}
