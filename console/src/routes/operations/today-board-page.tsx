// The store's "today" board on a phone: my tasks (or my role's), overdue first, each a card to tap.
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Card, Empty, Flex, Segmented, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { Page, Store } from '../../lib/api-types.ts';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { StoreSelect } from '../devices/store-select.tsx';
import { useBoard } from './operations-queries.ts';
import { TaskStatusTag } from './task-status.tsx';

const routeApi = getRouteApi('/signed-in/operations/board');

/** The today board screen. */
export function TodayBoardPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  // Store staff have one store: open it without asking.
  const first = useQuery({
    queryKey: ['operations', 'first-store'],
    queryFn: async () => (await api.get<Page<Store>>('/stores', { limit: 2 })).data,
    enabled: !search.storeId,
  });
  const storeId = search.storeId ?? first.data?.[0]?.id;
  const view = search.view ?? 'mine';
  const board = useBoard(storeId, view);

  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="today-board">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('operations.board.title')}
        {board.data && <Typography.Text type="secondary"> · {board.data.store.name}</Typography.Text>}
      </Typography.Title>
      <Flex gap={8} wrap>
        {(first.data?.length ?? 0) !== 1 && (
          <StoreSelect
            value={storeId}
            onChange={(id) => void navigate({ search: { ...search, storeId: id }, replace: true })}
            allowClear={false}
            style={{ minWidth: 220, flex: 1 }}
            testId="board-store"
          />
        )}
        <Segmented
          value={view}
          onChange={(v) => void navigate({ search: { ...search, view: v as 'mine' | 'all' }, replace: true })}
          options={[
            { value: 'mine', label: t('operations.board.mine') },
            { value: 'all', label: t('operations.board.all') },
          ]}
        />
      </Flex>
      {board.isPending ? (
        <Skeleton active />
      ) : !board.data || board.data.data.length === 0 ? (
        <Empty description={t('operations.board.empty')} />
      ) : (
        board.data.data.map((task) => (
          <Link key={task.id} to="/operations/tasks/$taskId" params={{ taskId: task.id }} data-testid="board-task">
            <Card size="small" hoverable styles={{ body: { padding: 12 } }}>
              <Flex justify="space-between" align="start" gap={8}>
                <Typography.Text strong style={{ flex: 1 }}>
                  {task.title}
                </Typography.Text>
                <TaskStatusTag status={task.status} />
              </Flex>
              <Typography.Text type={task.status === 'overdue' ? 'danger' : 'secondary'}>
                {t('operations.board.due', { at: formatDateTime(task.dueAt, language) })} · {t('operations.board.minutes', { count: task.estimatedMinutes })}
              </Typography.Text>
            </Card>
          </Link>
        ))
      )}
    </Space>
  );
}
