// API keys: list, create (the key is shown once), revoke.
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Flex, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { ApiKey } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { roleLabel } from '../../lib/roles.ts';
import { ApiKeyCreateDialog } from './api-key-create-dialog.tsx';

const apiKeysQueryKey = ['api-keys'] as const;

/** The API keys screen. */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const keys = useQuery({
    queryKey: apiKeysQueryKey,
    queryFn: async () => (await api.get<{ data: ApiKey[] }>('/api-keys')).data,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete<ApiKey>(`/api-keys/${id}`),
    onSuccess: async () => {
      showSuccess(t('apiKeys.revoked'));
      await queryClient.invalidateQueries({ queryKey: apiKeysQueryKey });
    },
  });
  const canWrite = can('apikeys:manage');

  const columns: TableColumnsType<ApiKey> = [
    { key: 'name', title: t('apiKeys.name'), dataIndex: 'name' },
    { key: 'role', title: t('users.role'), width: 130, render: (_value, key) => <Tag color="blue">{roleLabel(t, key.role)}</Tag> },
    { key: 'scope', title: t('apiKeys.scope'), render: (_value, key) => key.orgUnitName ?? t('apiKeys.wholeTenant') },
    {
      key: 'prefix',
      title: t('apiKeys.prefix'),
      width: 130,
      render: (_value, key) => <Typography.Text code>{key.prefix}…</Typography.Text>,
    },
    { key: 'createdAt', title: t('apiKeys.created'), width: 150, render: (_value, key) => formatDateTime(key.createdAt, language) },
    { key: 'lastUsedAt', title: t('apiKeys.lastUsed'), width: 150, render: (_value, key) => formatDateTime(key.lastUsedAt, language) },
    {
      key: 'revokedAt',
      title: t('apiKeys.state'),
      width: 150,
      render: (_value, key) =>
        key.revokedAt ? <Tag title={formatDateTime(key.revokedAt, language)}>{t('apiKeys.revokedTag')}</Tag> : <Tag color="green">{t('apiKeys.active')}</Tag>,
    },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 100,
            render: (_value: unknown, key: ApiKey) =>
              !key.revokedAt && (
                <Popconfirm
                  title={t('apiKeys.revokeConfirm', { name: key.name })}
                  description={t('apiKeys.revokeWarning')}
                  okText={t('apiKeys.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => revoke.mutateAsync(key.id).catch(() => undefined)}
                >
                  <Button size="small" danger data-testid="api-key-revoke">
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('apiKeys.title')}
        </Typography.Title>
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
            {t('apiKeys.create')}
          </Button>
        )}
      </Flex>
      <Card>
        <Table<ApiKey>
          rowKey="id"
          columns={columns}
          dataSource={keys.data ?? []}
          loading={keys.isPending}
          pagination={false}
          scroll={{ x: 1000 }}
          rowClassName={(key) => (key.revokedAt ? 'storeos-row-muted' : '')}
          data-testid="api-key-table"
        />
      </Card>
      {creating && <ApiKeyCreateDialog onClose={() => setCreating(false)} />}
    </Space>
  );
}
