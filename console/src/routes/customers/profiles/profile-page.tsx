// One person, 360°: who they are (name, first and last seen, preferred store), RFM and lifetime value, activity by
// channel and store, segments and consent; the timeline; identities with split and history; traits with history.
// Merge, export and deletion for those allowed.
import { DeleteOutlined, DownloadOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Breadcrumb, Button, Card, Col, Descriptions, Empty, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../lib/api-client.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { personName } from '../customer-labels.tsx';
import type { Profile } from '../customer-types.ts';
import { type PrivacyKind, PrivacyRequestDialog } from '../privacy/privacy-request-dialog.tsx';
import type { ProfileTab } from '../routes.ts';
import { ProfileMessagesCard } from '../../marketing/profile-messages-card.tsx';
import { ProfileJourneysCard } from '../../marketing/journey-profile-card.tsx';
import { ActivityCard } from './activity-card.tsx';
import { ConsentCard } from './consent-card.tsx';
import { IdentitiesCard } from './identities-card.tsx';
import { MergeDialog } from './merge-dialog.tsx';
import { useProfile, useProfileActivity } from './profile-queries.ts';
import { RfmCard } from './rfm-card.tsx';
import { TimelineCard } from './timeline-card.tsx';
import { TraitsCard } from './traits-card.tsx';

const routeApi = getRouteApi('/signed-in/customers/profiles/$profileId');

function ProfileHeader({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const activity = useProfileActivity(profile.id, 90);
  const [dialog, setDialog] = useState<'merge' | PrivacyKind | null>(null);
  const preferred = activity.data?.stores.find((s) => s.storeId === profile.preferredStoreId);
  const name = personName(profile.traits, profile.id);
  return (
    <Card data-testid="profile-header">
      <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
        <Typography.Title level={3} style={{ margin: 0, wordBreak: 'break-all' }} data-testid="profile-title">
          {name}
        </Typography.Title>
        <Typography.Text type="secondary" copyable={{ text: profile.id }} data-testid="profile-id">
          {profile.id}
        </Typography.Text>
        <Space wrap style={can('customers:write') || can('customers:privacy') ? undefined : { display: 'none' }}>
          {can('customers:write') && (
            <Button icon={<MergeCellsOutlined />} onClick={() => setDialog('merge')} data-testid="profile-merge">
              {t('customers.merge.title')}
            </Button>
          )}
          {can('customers:privacy') && (
            <>
              <Button icon={<DownloadOutlined />} onClick={() => setDialog('export')} data-testid="profile-export">
                {t('customers.privacy.newExport')}
              </Button>
              <Button danger icon={<DeleteOutlined />} onClick={() => setDialog('deletion')} data-testid="profile-delete">
                {t('customers.privacy.newDeletion')}
              </Button>
            </>
          )}
        </Space>
      </Space>
      <Descriptions column={{ xs: 1, sm: 2, lg: 4 }} size="small" style={{ marginTop: 16 }}>
        <Descriptions.Item label={t('customers.profile.firstSeen')}>{formatDateTime(profile.firstSeenAt, language)}</Descriptions.Item>
        <Descriptions.Item label={t('customers.profile.lastSeen')}>{formatDateTime(profile.lastSeenAt, language)}</Descriptions.Item>
        <Descriptions.Item label={t('customers.profile.preferredStore')}>
          {profile.preferredStoreId ? (
            <Link to="/stores/$storeId" params={{ storeId: profile.preferredStoreId }}>
              {preferred?.code ? `${preferred.code} · ${preferred.name}` : profile.preferredStoreId}
            </Link>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('customers.profile.identifiers')}>{profile.identities.length}</Descriptions.Item>
      </Descriptions>
      {dialog === 'merge' && (
        <MergeDialog
          profileId={profile.id}
          onClose={() => setDialog(null)}
          onMerged={(merged) => void navigate({ to: '/customers/profiles/$profileId', params: { profileId: merged.id } })}
        />
      )}
      {(dialog === 'export' || dialog === 'deletion') && (
        <PrivacyRequestDialog
          kind={dialog}
          profileId={profile.id}
          onClose={() => setDialog(null)}
          onDeleted={() => void navigate({ to: '/customers/profiles' })}
        />
      )}
    </Card>
  );
}

function SegmentsCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <Card title={t('customers.profile.segments')} data-testid="profile-segments">
      {profile.segments.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.profile.noSegments')} />
      ) : (
        profile.segments.map((s) => (
          <div key={s.id} style={{ display: 'flex', justifyContent: 'space-between', gap: 8, padding: '4px 0' }}>
            <Link to="/customers/segments/$segmentId" params={{ segmentId: s.id }}>
              <Tag color="blue">{s.name}</Tag>
            </Link>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(s.enteredAt, language)}
            </Typography.Text>
          </div>
        ))
      )}
    </Card>
  );
}

/** The person screen. */
export function ProfilePage() {
  const { t } = useTranslation();
  const { profileId } = routeApi.useParams();
  const { tab = 'overview' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const profile = useProfile(profileId);

  if (profile.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (profile.isError) {
    const notFound = profile.error instanceof ApiError && profile.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('customers.profile.notFound') : t('errors.loadFailed')}
        extra={<Link to="/customers/profiles">{t('nav.customerProfiles')}</Link>}
      />
    );
  }
  const p = profile.data;
  const tabs: { key: ProfileTab; label: string; children: React.ReactNode }[] = [
    {
      key: 'overview',
      label: t('customers.profileTabs.overview'),
      children: (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={10}>
            <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
              <RfmCard rfm={p.rfm} />
              <SegmentsCard profile={p} />
            </Space>
          </Col>
          <Col xs={24} xl={14}>
            <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
              <ActivityCard profileId={p.id} />
              <ConsentCard profileId={p.id} consents={p.consents} />
              <ProfileMessagesCard profileId={p.id} />
              <ProfileJourneysCard profileId={p.id} />
            </Space>
          </Col>
        </Row>
      ),
    },
    { key: 'timeline', label: t('customers.profileTabs.timeline'), children: <TimelineCard profileId={p.id} /> },
    { key: 'identities', label: t('customers.profileTabs.identities'), children: <IdentitiesCard profile={p} /> },
    { key: 'traits', label: t('customers.profileTabs.traits'), children: <TraitsCard profile={p} /> },
  ];
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="profile-page">
      <Breadcrumb items={[{ title: <Link to="/customers/profiles">{t('nav.customerProfiles')}</Link> }, { title: personName(p.traits, p.id) }]} />
      <ProfileHeader profile={p} />
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate({ search: { tab: key === 'overview' ? undefined : (key as ProfileTab) }, replace: true })}
        items={tabs.map((item) => ({ ...item, label: <span data-testid={`profile-tab-${item.key}`}>{item.label}</span> }))}
        destroyOnHidden
      />
    </Space>
  );
}
