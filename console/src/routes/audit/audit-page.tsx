// The audit log: filters in the address, newest first, each row expandable to its before/after.
import { useInfiniteQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { Button, Card, Col, DatePicker, Row, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { CommitInput } from '../../components/commit-input.tsx';
import { api } from '../../lib/api-client.ts';
import type { AuditEntry, Page } from '../../lib/api-types.ts';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { JsonDiff } from './json-diff.tsx';
import type { AuditSearch } from './routes.ts';

const routeApi = getRouteApi('/signed-in/audit');

const entityTypes = ['store', 'org_unit', 'user', 'api_key', 'tenant'];
const actions = ['create', 'update', 'delete', 'transition', 'import', 'sign_in', 'revoke'];

/** The day range as the API's instants: from the start of the first day to the end of the last. */
function toInstants(search: AuditSearch): { from?: string; to?: string } {
  return {
    from: search.from ? dayjs(search.from).startOf('day').toISOString() : undefined,
    to: search.to ? dayjs(search.to).endOf('day').toISOString() : undefined,
  };
}

function useAuditLog(search: AuditSearch) {
  return useInfiniteQuery({
    queryKey: ['audit-log', search],
    queryFn: ({ pageParam }) => api.get<Page<AuditEntry>>('/audit-log', { ...search, ...toInstants(search), cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The audit log screen. */
export function AuditPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const search = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const log = useAuditLog(search);
  const entries = log.data?.pages.flatMap((page) => page.data) ?? [];
  const set = (patch: Partial<AuditSearch>) => void navigate({ search: { ...search, ...patch }, replace: true });

  const columns: TableColumnsType<AuditEntry> = [
    { key: 'at', title: t('audit.at'), width: 160, render: (_value, entry) => formatDateTime(entry.at, language) },
    {
      key: 'actor',
      title: t('audit.actor'),
      render: (_value, entry) => (
        <Space size={4} wrap>
          <Tag>{t(`audit.actorType.${entry.actorType}`)}</Tag>
          {entry.actorLabel ?? entry.actorId ?? '—'}
        </Space>
      ),
    },
    { key: 'action', title: t('audit.action'), render: (_value, entry) => <Typography.Text code>{entry.action}</Typography.Text> },
    {
      key: 'entity',
      title: t('audit.entity'),
      render: (_value, entry) => (
        <Space size={4} wrap>
          <Tag color="blue">{entry.entityType}</Tag>
          <Typography.Link onClick={() => set({ entityType: entry.entityType, entityId: entry.entityId })}>{entry.entityId}</Typography.Link>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Card size="small">
        <Row gutter={[12, 12]}>
          <Col xs={24} sm={12} lg={6}>
            <CommitInput
              value={search.entityType}
              suggestions={entityTypes}
              onCommit={(entityType) => set({ entityType, entityId: undefined })}
              placeholder={t('audit.entityType')}
              testId="audit-filter-entity"
            />
          </Col>
          <Col xs={24} sm={12} lg={6}>
            <CommitInput
              value={search.action}
              suggestions={actions}
              onCommit={(action) => set({ action })}
              placeholder={t('audit.action')}
              testId="audit-filter-action"
            />
          </Col>
          <Col xs={24} lg={8}>
            <DatePicker.RangePicker
              style={{ width: '100%' }}
              value={search.from && search.to ? [dayjs(search.from), dayjs(search.to)] : null}
              onChange={(range) =>
                set({
                  from: range?.[0]?.format('YYYY-MM-DD'),
                  to: range?.[1]?.format('YYYY-MM-DD'),
                })
              }
              data-testid="audit-filter-dates"
            />
          </Col>
          {search.entityId && (
            <Col xs={24} lg={4}>
              <Tag closable onClose={() => set({ entityId: undefined })}>
                {search.entityId}
              </Tag>
            </Col>
          )}
        </Row>
      </Card>
      <Card size="small">
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={entries}
          loading={log.isFetching && !log.isFetchingNextPage}
          pagination={false}
          scroll={{ x: 720 }}
          expandable={{ expandedRowRender: (entry) => <JsonDiff before={entry.before} after={entry.after} /> }}
          data-testid="audit-table"
        />
        {log.hasNextPage && (
          <Button block style={{ marginTop: 12 }} onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        )}
      </Card>
    </Space>
  );
}
