// Computed traits (what each aggregates, over which window, its status) and the customer settings: RFM windows
// and boundaries, identity limits, priority, blocked values and custom identifier types.
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { getRouteApi } from '@tanstack/react-router';
import { Button, Card, Empty, Flex, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import type { ComputedTrait } from '../customer-types.ts';
import { ComputedTraitDialog } from './computed-trait-dialog.tsx';
import { useComputedTraits, useTraitMutation } from './computed-trait-queries.ts';
import { CustomerSettingsPanel } from './customer-settings-panel.tsx';

const routeApi = getRouteApi('/signed-in/customers/traits');

function describeTrait(t: TFunction, trait: ComputedTrait): string {
  const d = trait.definition;
  const what = d.kind === 'count' ? t('customers.traitKinds.count') : `${t(`customers.traitKinds.${d.kind}`)} · ${d.property ?? ''}`;
  const window = d.windowDays ? t('customers.traits.lastDays', { count: d.windowDays }) : t('customers.traits.allTime');
  const filters = (d.where ?? []).map(
    (f) => `${f.property} ${t(`customers.op.${f.op}`)} ${f.value === undefined ? '' : Array.isArray(f.value) ? f.value.join(', ') : String(f.value)}`,
  );
  return [what, d.event, ...filters, window].join(' · ');
}

function TraitList() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const traits = useComputedTraits();
  const [editing, setEditing] = useState<ComputedTrait | 'new' | null>(null);
  const remove = useTraitMutation((id: string) => api.delete<void>(`/computed-traits/${id}`));
  const manage = can('segments:manage');
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      {manage && (
        <Flex justify="flex-end">
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="computed-trait-create">
            {t('customers.traits.create')}
          </Button>
        </Flex>
      )}
      <Card styles={{ body: { padding: 8 } }}>
        <Table<ComputedTrait>
          rowKey="id"
          size="middle"
          loading={traits.isPending}
          dataSource={traits.data ?? []}
          pagination={false}
          scroll={{ x: 720 }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.traits.noComputed')} /> }}
          data-testid="computed-trait-table"
          columns={[
            {
              key: 'name',
              title: t('customers.traits.name'),
              render: (_v, x) => (
                <div>
                  <Typography.Text strong>{x.name}</Typography.Text>
                  <div>
                    <Typography.Text code>{x.key}</Typography.Text>
                  </div>
                </div>
              ),
            },
            { key: 'definition', title: t('customers.traits.definition'), render: (_v, x) => describeTrait(t, x) },
            {
              key: 'status',
              title: t('customers.segments.statusLabel'),
              render: (_v, x) => <Tag color={x.status === 'ready' ? 'green' : x.status === 'computing' ? 'processing' : 'default'}>{x.status}</Tag>,
            },
            { key: 'updated', title: t('customers.segments.updated'), responsive: ['lg'], render: (_v, x) => formatDateTime(x.updatedAt, language) },
            ...(manage
              ? [
                  {
                    key: 'actions',
                    title: t('common.actions'),
                    render: (_v: unknown, x: ComputedTrait) => (
                      <Space>
                        <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(x)} aria-label={t('common.edit')} />
                        <Popconfirm
                          title={t('customers.traits.deleteConfirm', { name: x.name })}
                          okText={t('common.delete')}
                          cancelText={t('common.cancel')}
                          okButtonProps={{ danger: true }}
                          onConfirm={() =>
                            remove.mutateAsync(x.id).then(
                              () => showSuccess(t('common.deleted')),
                              () => undefined,
                            )
                          }
                        >
                          <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {editing && <ComputedTraitDialog trait={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Space>
  );
}

/** The computed traits and settings screen. */
export function ComputedTraitsPage() {
  const { t } = useTranslation();
  const { tab = 'traits' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="computed-traits-page">
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('customers.traits.pageTitle')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('customers.traits.subtitle')}</Typography.Text>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate({ search: { tab: key === 'settings' ? 'settings' : undefined }, replace: true })}
        items={[
          { key: 'traits', label: t('customers.traits.computed'), children: <TraitList /> },
          { key: 'settings', label: <span data-testid="customer-settings-tab">{t('customers.settings.title')}</span>, children: <CustomerSettingsPanel /> },
        ]}
        destroyOnHidden
      />
    </Space>
  );
}
