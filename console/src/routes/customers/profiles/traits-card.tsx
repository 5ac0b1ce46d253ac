// A person's traits (latest by event time) with their history, and their computed traits; those who may write about
// customers set or remove a trait by hand.
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Select, Skeleton, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { formatValue } from '../customer-labels.tsx';
import type { Profile, TraitChange } from '../customer-types.ts';
import { useTraitHistory } from './profile-queries.ts';
import { TraitEditDialog } from './trait-edit-dialog.tsx';

function ValueList({ values, testId, onEdit }: { values: Record<string, unknown>; testId: string; onEdit?: (key: string) => void }) {
  const { t } = useTranslation();
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.traits.none')} />;
  return (
    <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered data-testid={testId}>
      {keys.map((key) => (
        <Descriptions.Item key={key} label={key}>
          <span style={{ wordBreak: 'break-all' }} data-testid="trait-value" data-key={key}>
            {formatValue(values[key])}
          </span>
          {onEdit && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onEdit(key)} aria-label={t('customers.traitEdit.title')} data-testid="trait-edit" />
          )}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** The traits card of a person. */
export function TraitsCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const history = useTraitHistory(profile.id);
  // The dialog: closed, a new trait (''), or an existing one by key.
  const [editing, setEditing] = useState<string | null>(null);
  const write = can('customers:write');
  const [key, setKey] = useState<string | undefined>();
  const keys = [...new Set((history.data ?? []).map((h) => h.key))].sort();
  const rows = (history.data ?? []).filter((h) => !key || h.key === key);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Card
        title={t('customers.traits.title')}
        extra={
          write && (
            <Button icon={<PlusOutlined />} onClick={() => setEditing('')} data-testid="trait-add">
              {t('customers.traitEdit.add')}
            </Button>
          )
        }
      >
        <ValueList values={profile.traits} testId="profile-traits" onEdit={write ? setEditing : undefined} />
      </Card>
      {editing !== null && <TraitEditDialog profile={profile} initialKey={editing || undefined} onClose={() => setEditing(null)} />}
      <Card title={t('customers.traits.computed')}>
        <ValueList values={profile.computedTraits} testId="profile-computed-traits" />
      </Card>
      <Card
        title={t('customers.traits.history')}
        extra={
          <Select
            allowClear
            placeholder={t('customers.traits.allKeys')}
            value={key}
            onChange={setKey}
            style={{ minWidth: 140 }}
            options={keys.map((k) => ({ value: k, label: k }))}
          />
        }
      >
        {history.isPending ? (
          <Skeleton active />
        ) : (
          <Table<TraitChange>
            rowKey={(row) => `${row.key}|${row.at}|${row.messageId ?? ''}`}
            size="small"
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={rows}
            scroll={{ x: 520 }}
            columns={[
              { key: 'key', title: t('customers.traits.key'), dataIndex: 'key' },
              {
                key: 'value',
                title: t('customers.traits.value'),
                render: (_v, row) => <Typography.Text style={{ wordBreak: 'break-all' }}>{formatValue(row.value)}</Typography.Text>,
              },
              { key: 'source', title: t('customers.traits.source'), dataIndex: 'source' },
              { key: 'at', title: t('customers.traits.at'), render: (_v, row) => formatDateTime(row.at, language) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
