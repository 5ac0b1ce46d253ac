// The journeys the caller may see, by state, with the way to the editor.
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Flex, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAuth } from '../../lib/auth.tsx';
import { useJourneys } from './journey-queries.ts';
import { type Journey, type JourneyStatus, journeyStatuses } from './journey-types.ts';

const statusColor: Record<JourneyStatus, string> = { draft: 'default', active: 'green', paused: 'orange', archived: 'red' };

/** A journey's state as a coloured tag. */
export function JourneyStatusTag({ status }: { status: JourneyStatus }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`journeys.status.${status}`)}</Tag>;
}

/** What starts a journey, in words. */
export function TriggerSummary({ journey }: { journey: Journey }) {
  const { t } = useTranslation();
  const tr = journey.trigger;
  const what = tr.kind === 'event' ? `${t('journeys.triggerKind.event')}: ${tr.event}` : t(`journeys.triggerKind.${tr.kind}`);
  return (
    <span>
      {tr.unless
        ? `${what} · ${t('journeys.unlessShort', { event: tr.unless.event, amount: tr.unless.within.amount, unit: t(`journeys.unit.${tr.unless.within.unit}`) })}`
        : what}
    </span>
  );
}

/** The journey list page. */
export function JourneyListPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [status, setStatus] = useState<JourneyStatus | 'all'>('all');
  const journeys = useJourneys(status === 'all' ? undefined : status);
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="journey-list">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('journeys.title')}
        </Typography.Title>
        {can('marketing:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate({ to: '/marketing/journeys/new' })} data-testid="journey-new">
            {t('journeys.newJourney')}
          </Button>
        )}
      </Flex>
      <Segmented
        value={status}
        onChange={(v) => setStatus(v as JourneyStatus | 'all')}
        options={[{ value: 'all', label: t('journeys.all') }, ...journeyStatuses.map((s) => ({ value: s, label: t(`journeys.status.${s}`) }))]}
      />
      <Table<Journey>
        rowKey="id"
        size="small"
        loading={journeys.isLoading}
        dataSource={journeys.data?.data ?? []}
        scroll={{ x: true }}
        columns={[
          {
            title: t('journeys.name'),
            dataIndex: 'name',
            render: (name: string, j) => (
              <Link to="/marketing/journeys/$journeyId" params={{ journeyId: j.id }}>
                {name}
              </Link>
            ),
          },
          { title: t('journeys.state'), dataIndex: 'status', render: (s: JourneyStatus) => <JourneyStatusTag status={s} /> },
          { title: t('journeys.trigger'), render: (_: unknown, j) => <TriggerSummary journey={j} /> },
          { title: t('journeys.reentry'), render: (_: unknown, j) => t(`journeys.reentryMode.${j.reentry.mode}`) },
          { title: t('journeys.created'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, language) },
        ]}
      />
    </Space>
  );
}
