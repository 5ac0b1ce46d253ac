// The campaigns the caller may see, by state, with the way to the builder.
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Flex, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAuth } from '../../lib/auth.tsx';
import { AdAudienceCard } from './ad-audience-card.tsx';
import { useCampaigns, useChannels } from './marketing-queries.ts';
import { type CampaignStatus, campaignStatuses } from './marketing-types.ts';

const statusColor: Record<CampaignStatus, string> = {
  draft: 'default',
  scheduled: 'blue',
  sending: 'processing',
  paused: 'orange',
  completed: 'green',
  cancelled: 'red',
};

/** A campaign's state as a coloured tag. */
export function CampaignStatusTag({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation();
  return <Tag color={statusColor[status]}>{t(`marketing.status.${status}`)}</Tag>;
}

/** The campaign list page. */
export function CampaignListPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [status, setStatus] = useState<CampaignStatus | 'all'>('all');
  const campaigns = useCampaigns(status === 'all' ? undefined : status);
  const channels = new Map((useChannels().data?.data ?? []).map((c) => [c.id, c]));
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="campaign-list">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('marketing.campaigns')}
        </Typography.Title>
        {can('marketing:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate({ to: '/marketing/campaigns/new' })} data-testid="campaign-new">
            {t('marketing.newCampaign')}
          </Button>
        )}
      </Flex>
      <Segmented
        value={status}
        onChange={(v) => setStatus(v as CampaignStatus | 'all')}
        options={[{ value: 'all', label: t('marketing.all') }, ...campaignStatuses.map((s) => ({ value: s, label: t(`marketing.status.${s}`) }))]}
      />
      <Table
        rowKey="id"
        size="small"
        loading={campaigns.isLoading}
        dataSource={campaigns.data?.data ?? []}
        columns={[
          {
            title: t('marketing.name'),
            dataIndex: 'name',
            render: (name: string, c) => (
              <Link to="/marketing/campaigns/$campaignId" params={{ campaignId: c.id }}>
                {name}
              </Link>
            ),
          },
          { title: t('marketing.state'), dataIndex: 'status', render: (s: CampaignStatus) => <CampaignStatusTag status={s} /> },
          { title: t('marketing.channel'), dataIndex: 'channelId', render: (id: string) => channels.get(id)?.name ?? id },
          { title: t('marketing.variantsCount'), render: (_: unknown, c) => c.variants.length },
          { title: t('marketing.holdout'), dataIndex: 'holdoutPercent', render: (p: number) => `${p}%` },
          { title: t('marketing.schedule'), render: (_: unknown, c) => t(`marketing.scheduleKind.${c.schedule.kind}`) },
          { title: t('marketing.created'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, language) },
        ]}
      />
      {can('marketing:write') && <AdAudienceCard />}
    </Space>
  );
}
