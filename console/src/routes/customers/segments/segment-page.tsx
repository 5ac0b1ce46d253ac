// One segment: its definition in words, size and recompute progress, size over time, members a page at a time with
// CSV export, who entered and left when and why; edit, recompute and delete for those who manage segments.
import { DeleteOutlined, DownloadOutlined, EditOutlined, ReloadOutlined } from '@ant-design/icons';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Breadcrumb, Button, Card, Col, Descriptions, Empty, Flex, Popconfirm, Result, Row, Skeleton, Space, Statistic, Table, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, apiUrl } from '../../../lib/api-client.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { formatValue, personName } from '../customer-labels.tsx';
import type { Segment, SegmentMember } from '../customer-types.ts';
import { ConditionSummary } from './condition-summary.tsx';
import { SegmentHistoryCard } from './segment-history-card.tsx';
import { useSegment, useSegmentMembers, useSegmentMutation } from './segment-queries.ts';
import { SegmentSizesCard } from './segment-sizes-card.tsx';
import { SegmentStatus } from './segment-status.tsx';

const routeApi = getRouteApi('/signed-in/customers/segments/$segmentId');

function MembersCard({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const members = useSegmentMembers(segment.id);
  const rows = members.data?.pages.flatMap((page) => page.data) ?? [];
  // The list is read once; when a computation ends or the count moves, read it again so it matches the count.
  const { refetch } = members;
  const seen = useRef(`${segment.status}:${segment.memberCount}`);
  useEffect(() => {
    const now = `${segment.status}:${segment.memberCount}`;
    if (now === seen.current) return;
    seen.current = now;
    if (segment.status !== 'computing') void refetch();
  }, [segment.status, segment.memberCount, refetch]);
  return (
    <Card
      title={t('customers.segments.membersTitle')}
      data-testid="segment-members"
      extra={
        <Button icon={<DownloadOutlined />} href={apiUrl(`/segments/${segment.id}/export`)} download={`segment-${segment.id}.csv`} data-testid="segment-export">
          {t('customers.segments.exportCsv')}
        </Button>
      }
    >
      <Table<SegmentMember>
        rowKey="profileId"
        size="small"
        loading={members.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 560 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.builder.nobody')} /> }}
        columns={[
          {
            key: 'name',
            title: t('customers.segments.person'),
            render: (_v, m) => (
              <Link to="/customers/profiles/$profileId" params={{ profileId: m.profileId }} data-testid="segment-member">
                {personName(m.traits, m.profileId)}
              </Link>
            ),
          },
          { key: 'email', title: t('customers.identifier.email'), render: (_v, m) => formatValue(m.traits.email), responsive: ['sm'] },
          { key: 'phone', title: t('customers.identifier.phone'), render: (_v, m) => formatValue(m.traits.phone), responsive: ['md'] },
          { key: 'entered', title: t('customers.segments.enteredAt'), render: (_v, m) => formatDateTime(m.enteredAt, language) },
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
        <Typography.Text type="secondary">{t('customers.loaded', { count: rows.length })}</Typography.Text>
        {members.hasNextPage && (
          <Button onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}

/** The segment screen. */
export function SegmentPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { segmentId } = routeApi.useParams();
  const segment = useSegment(segmentId);
  const recompute = useSegmentMutation(() => api.post<Segment>(`/segments/${segmentId}/recompute`));
  const remove = useSegmentMutation(() => api.delete<void>(`/segments/${segmentId}`));

  if (segment.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (segment.isError) {
    const notFound = segment.error instanceof ApiError && segment.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('customers.segments.notFound') : t('errors.loadFailed')}
        extra={<Link to="/customers/segments">{t('nav.segments')}</Link>}
      />
    );
  }
  const s = segment.data;
  const manage = can('segments:manage');
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="segment-page">
      <Breadcrumb items={[{ title: <Link to="/customers/segments">{t('nav.segments')}</Link> }, { title: s.name }]} />
      <Card data-testid="segment-header">
        <Flex justify="space-between" align="flex-start" wrap gap={12}>
          <div style={{ minWidth: 0 }}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="segment-title">
              {s.name}
            </Typography.Title>
            {s.description && <Typography.Paragraph type="secondary">{s.description}</Typography.Paragraph>}
            <SegmentStatus segment={s} wide />
          </div>
          <div data-testid="segment-member-count" data-count={s.memberCount} data-status={s.status}>
            <Statistic title={t('customers.segments.members')} value={s.memberCount} />
          </div>
        </Flex>
        {manage && (
          <Space wrap style={{ marginTop: 12 }}>
            <Button
              icon={<EditOutlined />}
              onClick={() => void navigate({ to: '/customers/segments/$segmentId/edit', params: { segmentId } })}
              data-testid="segment-edit"
            >
              {t('common.edit')}
            </Button>
            <Button icon={<ReloadOutlined />} loading={recompute.isPending} disabled={s.status === 'computing'} onClick={() => recompute.mutate(undefined)}>
              {t('customers.segments.recompute')}
            </Button>
            <Popconfirm
              title={t('customers.segments.deleteConfirm', { name: s.name })}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={() =>
                remove.mutateAsync(undefined).then(
                  () => {
                    showSuccess(t('common.deleted'));
                    void navigate({ to: '/customers/segments' });
                  },
                  () => undefined,
                )
              }
            >
              <Button danger icon={<DeleteOutlined />}>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        )}
        <Descriptions column={{ xs: 1, sm: 2, lg: 4 }} size="small" style={{ marginTop: 16 }}>
          <Descriptions.Item label={t('customers.segments.version')}>{s.version}</Descriptions.Item>
          <Descriptions.Item label={t('customers.segments.createdBy')}>{s.createdBy}</Descriptions.Item>
          <Descriptions.Item label={t('customers.segments.updated')}>{formatDateTime(s.updatedAt, language)}</Descriptions.Item>
          {s.progress.finishedAt && (
            <Descriptions.Item label={t('customers.segments.lastRecompute')}>{formatDateTime(s.progress.finishedAt, language)}</Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t('customers.builder.conditions')} data-testid="segment-definition">
            <ConditionSummary value={s.definition} />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <SegmentSizesCard segmentId={s.id} />
        </Col>
      </Row>
      <MembersCard segment={s} />
      <SegmentHistoryCard segmentId={s.id} />
    </Space>
  );
}
