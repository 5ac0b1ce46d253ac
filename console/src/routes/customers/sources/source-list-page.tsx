// Every source in the caller's scope: channel filter, pages loaded on demand, create (the write key shown once).
import { PlusOutlined } from '@ant-design/icons';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Badge, Button, Card, Empty, Flex, Segmented, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { useIsPhone } from '../../../lib/use-is-phone.ts';
import { ChannelTag, channelLabel } from '../customer-labels.tsx';
import { type Source, sourceChannels } from '../customer-types.ts';
import { SourceCreateDialog } from './source-create-dialog.tsx';
import { useSourceList } from './source-queries.ts';

const routeApi = getRouteApi('/signed-in/customers/sources');

function EnabledBadge({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  return <Badge status={enabled ? 'success' : 'default'} text={enabled ? t('customers.sources.enabled') : t('customers.sources.disabled')} />;
}

function SourceTable({ sources, loading }: { sources: Source[]; loading: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const navigate = useNavigate();
  const columns: TableColumnsType<Source> = [
    {
      key: 'name',
      title: t('customers.sources.name'),
      render: (_value, source) => (
        <Link to="/customers/sources/$sourceId" params={{ sourceId: source.id }} data-testid="source-name-link">
          {source.name}
        </Link>
      ),
    },
    { key: 'channel', title: t('customers.sources.channel'), width: 120, render: (_value, source) => <ChannelTag channel={source.channel} t={t} /> },
    {
      key: 'store',
      title: t('customers.sources.store'),
      responsive: ['md'],
      render: (_value, source) => source.storeName ?? t('customers.sources.wholeTenant'),
    },
    {
      key: 'key',
      title: t('customers.sources.writeKey'),
      responsive: ['lg'],
      render: (_value, source) => <Typography.Text code>{`${source.writeKeyPrefix}…`}</Typography.Text>,
    },
    { key: 'enabled', title: t('customers.sources.state'), width: 110, render: (_value, source) => <EnabledBadge enabled={source.enabled} /> },
    { key: 'created', title: t('customers.sources.created'), responsive: ['lg'], render: (_value, source) => formatDateTime(source.createdAt, language) },
  ];
  return (
    <Table<Source>
      rowKey="id"
      size={isPhone ? 'small' : 'middle'}
      columns={columns}
      dataSource={sources}
      loading={loading}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.sources.empty')} /> }}
      onRow={(source) => ({
        style: { cursor: 'pointer' },
        onClick: (event) => {
          if ((event.target as HTMLElement).closest('a')) return;
          void navigate({ to: '/customers/sources/$sourceId', params: { sourceId: source.id } });
        },
      })}
      data-testid="source-table"
    />
  );
}

/** The sources screen. */
export function SourceListPage() {
  const { t } = useTranslation();
  const { channel } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const toSource = useNavigate();
  const list = useSourceList(channel);
  const sources = list.data?.pages.flatMap((page) => page.data) ?? [];
  const [creating, setCreating] = useState(false);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="source-list-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('customers.sources.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('customers.sources.subtitle')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="source-create">
          {t('customers.sources.create')}
        </Button>
      </Flex>
      <div style={{ overflowX: 'auto' }}>
        <Segmented
          value={channel ?? 'all'}
          onChange={(value) => void navigate({ search: { channel: value === 'all' ? undefined : sourceChannels.find((c) => c === value) }, replace: true })}
          options={[{ value: 'all', label: t('customers.sources.allChannels') }, ...sourceChannels.map((c) => ({ value: c, label: channelLabel(t, c) }))]}
        />
      </div>
      <Card styles={{ body: { padding: 8 } }}>
        <SourceTable sources={sources} loading={list.isFetching && !list.isFetchingNextPage} />
        <Flex justify="space-between" align="center" style={{ marginTop: 12 }} wrap gap={8}>
          <Typography.Text type="secondary" data-testid="source-count" data-count={sources.length}>
            {t('customers.loaded', { count: sources.length })}
          </Typography.Text>
          {list.hasNextPage && (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          )}
        </Flex>
      </Card>
      {creating && (
        <SourceCreateDialog
          onClose={() => setCreating(false)}
          onCreated={(source) => void toSource({ to: '/customers/sources/$sourceId', params: { sourceId: source.id } })}
        />
      )}
    </Space>
  );
}
