// A person's traits (latest by event time) with their history, and their computed traits.
import { Card, Descriptions, Empty, Select, Skeleton, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { formatValue } from '../customer-labels.tsx';
import type { Profile, TraitChange } from '../customer-types.ts';
import { useTraitHistory } from './profile-queries.ts';

function ValueList({ values, testId }: { values: Record<string, unknown>; testId: string }) {
  const { t } = useTranslation();
  const keys = Object.keys(values).sort();
  if (keys.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.traits.none')} />;
  return (
    <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered data-testid={testId}>
      {keys.map((key) => (
        <Descriptions.Item key={key} label={key}>
          <span style={{ wordBreak: 'break-all' }}>{formatValue(values[key])}</span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** The traits card of a person. */
export function TraitsCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const history = useTraitHistory(profile.id);
  const [key, setKey] = useState<string | undefined>();
  const keys = [...new Set((history.data ?? []).map((h) => h.key))].sort();
  const rows = (history.data ?? []).filter((h) => !key || h.key === key);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Card title={t('customers.traits.title')}>
        <ValueList values={profile.traits} testId="profile-traits" />
      </Card>
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
