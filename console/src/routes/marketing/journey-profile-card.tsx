// The journeys one person is in or went through, each with the steps they ran, shown on their profile page.
import { Link } from '@tanstack/react-router';
import { Card, Table, Tag, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAuth } from '../../lib/auth.tsx';
import { useProfileJourneys } from './journey-queries.ts';
import type { Enrollment } from './journey-types.ts';

function Journeys({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const enrollments = useProfileJourneys(profileId);
  return (
    <Card size="small" title={t('journeys.profileJourneys')} data-testid="profile-journeys">
      <Table<Enrollment>
        size="small"
        rowKey="id"
        loading={enrollments.isLoading}
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        dataSource={enrollments.data?.data ?? []}
        scroll={{ x: true }}
        expandable={{
          expandedRowRender: (e) => (
            <Timeline
              items={(e.history ?? []).map((h) => ({
                children: `${formatDateTime(h.at, language)} · ${h.stepId} · ${t(`journeys.outcome.${h.outcome}`, { defaultValue: h.outcome })}${h.detail ? ` (${h.detail})` : ''}`,
              }))}
            />
          ),
        }}
        columns={[
          {
            title: t('journeys.journey'),
            dataIndex: 'journeyName',
            render: (name: string, e) => (
              <Link to="/marketing/journeys/$journeyId" params={{ journeyId: e.journeyId }}>
                {name}
              </Link>
            ),
          },
          { title: t('journeys.state'), dataIndex: 'status', render: (s: Enrollment['status']) => <Tag>{t(`journeys.enrollmentStatus.${s}`)}</Tag> },
          { title: t('journeys.step'), render: (_: unknown, e) => (e.stepId === '$unless' ? t('journeys.unlessStep') : (e.stepId ?? e.exitReason ?? '—')) },
          { title: t('journeys.entered'), dataIndex: 'enteredAt', render: (v: string) => formatDateTime(v, language) },
        ]}
      />
    </Card>
  );
}

/** The profile page's journeys section: nothing for those who may not read marketing. */
export function ProfileJourneysCard({ profileId }: { profileId: string }) {
  const { can } = useAuth();
  return can('marketing:read') ? <Journeys profileId={profileId} /> : null;
}
