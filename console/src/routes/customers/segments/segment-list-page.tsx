// Every segment with its size and recompute status; create (segments:manage).
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Card, Empty, Flex, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import type { Segment } from '../customer-types.ts';
import { useSegments } from './segment-queries.ts';
import { SegmentStatus } from './segment-status.tsx';

/** The segments screen. */
export function SegmentListPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const segments = useSegments();
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="segment-list-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('customers.segments.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('customers.segments.subtitle')}</Typography.Text>
        </div>
        {can('segments:manage') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate({ to: '/customers/segments/new' })} data-testid="segment-create">
            {t('customers.segments.create')}
          </Button>
        )}
      </Flex>
      <Card styles={{ body: { padding: 8 } }}>
        <Table<Segment>
          rowKey="id"
          size="middle"
          loading={segments.isPending}
          dataSource={segments.data ?? []}
          pagination={false}
          scroll={{ x: 640 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.segments.empty')} /> }}
          onRow={(s) => ({
            style: { cursor: 'pointer' },
            onClick: (event) => {
              if ((event.target as HTMLElement).closest('a')) return;
              void navigate({ to: '/customers/segments/$segmentId', params: { segmentId: s.id } });
            },
          })}
          data-testid="segment-table"
          columns={[
            {
              key: 'name',
              title: t('customers.segments.name'),
              render: (_v, s) => (
                <div>
                  <Link to="/customers/segments/$segmentId" params={{ segmentId: s.id }} data-testid="segment-name-link">
                    {s.name}
                  </Link>
                  {s.description && (
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {s.description}
                      </Typography.Text>
                    </div>
                  )}
                </div>
              ),
            },
            { key: 'members', title: t('customers.segments.members'), align: 'right', render: (_v, s) => s.memberCount.toLocaleString() },
            { key: 'status', title: t('customers.segments.statusLabel'), render: (_v, s) => <SegmentStatus segment={s} /> },
            { key: 'updated', title: t('customers.segments.updated'), responsive: ['md'], render: (_v, s) => formatDateTime(s.updatedAt, language) },
          ]}
        />
      </Card>
    </Space>
  );
}
