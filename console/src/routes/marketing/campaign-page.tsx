// One campaign: its set-up, the moves its state allows, the audience after holdout, consent and caps, a test send to a
// chosen person, and the results.
import { getRouteApi } from '@tanstack/react-router';
import { Button, Card, Col, Descriptions, Flex, Input, Row, Space, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { CampaignStatusTag } from './campaign-list-page.tsx';
import { CampaignResults } from './campaign-results.tsx';
import { useAudience, useCampaign, useChannels, useMarketingActions } from './marketing-queries.ts';
import type { CampaignStatus } from './marketing-types.ts';

const routeApi = getRouteApi('/signed-in/marketing/campaigns/$campaignId');

type Action = 'launch' | 'pause' | 'resume' | 'cancel' | 'replay-failed';
const actionsFor: Record<CampaignStatus, Action[]> = {
  draft: ['launch', 'cancel'],
  scheduled: ['pause', 'cancel'],
  sending: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: ['replay-failed'],
  cancelled: [],
};

function AudienceCard({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const a = useAudience(campaignId).data;
  return (
    <Card
      size="small"
      title={t('marketing.audience')}
      data-testid="campaign-audience"
      data-loaded={a ? 'true' : 'false'}
      data-audience={a?.audience}
      data-reachable={a?.reachable}
      data-no-consent={a?.noConsent}
      data-capped={a?.capped}
    >
      <Flex wrap gap={24}>
        {(['audience', 'holdout', 'noConsent', 'capped', 'reachable'] as const).map((k) => (
          <Statistic key={k} title={t(`marketing.estimate.${k}`)} value={a?.[k] ?? 0} />
        ))}
      </Flex>
    </Card>
  );
}

function TestSendCard({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const { testSend } = useMarketingActions();
  const [profileId, setProfileId] = useState('');
  const [to, setTo] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const send = async () => {
    try {
      const r = await testSend.mutateAsync({ id: campaignId, profileId: profileId.trim(), ...(to.trim() ? { to: to.trim() } : {}) });
      setSent(r.body);
      if (r.ok) showSuccess(t('marketing.testSent', { to: r.to }));
      else showError(new Error(r.error ?? ''));
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Card size="small" title={t('marketing.testSend')}>
      <Space orientation="vertical" style={{ display: 'flex' }}>
        <Input placeholder={t('marketing.profileId')} value={profileId} onChange={(e) => setProfileId(e.target.value)} />
        <Input placeholder={t('marketing.testTo')} value={to} onChange={(e) => setTo(e.target.value)} />
        <Button onClick={send} disabled={!profileId.trim()} loading={testSend.isPending} data-testid="campaign-test-send">
          {t('marketing.sendTest')}
        </Button>
        {sent && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{sent}</Typography.Paragraph>}
      </Space>
    </Card>
  );
}

/** The campaign page. */
export function CampaignPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { campaignId } = routeApi.useParams();
  const c = useCampaign(campaignId).data;
  const channels = new Map((useChannels().data?.data ?? []).map((ch) => [ch.id, ch]));
  const { campaignAction } = useMarketingActions();
  if (!c) return null;
  const act = async (action: Action) => {
    try {
      await campaignAction.mutateAsync({ id: c.id, action });
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="campaign-page" data-status={c.status}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {c.name} <CampaignStatusTag status={c.status} />
        </Typography.Title>
        {can('marketing:write') && (
          <Space>
            {actionsFor[c.status].map((action) => (
              <Button
                key={action}
                type={action === 'launch' ? 'primary' : 'default'}
                danger={action === 'cancel'}
                onClick={() => act(action)}
                data-testid={`campaign-${action}`}
              >
                {t(`marketing.action.${action}`)}
              </Button>
            ))}
          </Space>
        )}
      </Flex>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t('marketing.channel')}>{channels.get(c.channelId)?.name ?? c.channelId}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.purpose')}>{c.purpose}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.holdoutPercent')}>{c.holdoutPercent}%</Descriptions.Item>
        <Descriptions.Item label={t('marketing.schedule')}>
          {t(`marketing.scheduleKind.${c.schedule.kind}`)} {c.schedule.at ?? c.schedule.rrule ?? ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('marketing.quietHours')}>
          {c.quietStart}–{c.quietEnd}
        </Descriptions.Item>
        <Descriptions.Item label={t('marketing.ratePerMinute')}>{c.ratePerMinute}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.variants')}>{c.variants.map((v) => `${v.key}×${v.weight}`).join(', ')}</Descriptions.Item>
        <Descriptions.Item label={t('marketing.attributionDays')}>{c.attributionDays}</Descriptions.Item>
      </Descriptions>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <AudienceCard campaignId={c.id} />
        </Col>
        <Col xs={24} lg={8}>
          {can('marketing:write') && <TestSendCard campaignId={c.id} />}
        </Col>
      </Row>
      <CampaignResults campaignId={c.id} />
    </Space>
  );
}
