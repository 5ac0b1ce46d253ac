// Ad audiences: a segment as an ad platform's customer list (consented people's hashed e-mails and phones) — downloaded
// now, or kept fresh on a schedule and on membership change, each refresh a file with its rows and time.
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Divider, InputNumber, List, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../lib/api-client.ts';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAdAudiences, useMarketingActions, useSegmentOptions } from './marketing-queries.ts';
import type { AdAudience, AdAudienceRefresh, AdFormat } from './marketing-types.ts';

const formats: readonly AdFormat[] = ['google', 'meta', 'tiktok'];

/** One scheduled audience: its schedule, a refresh now, and its newest files. */
function ScheduledAudience({ audience, segmentName }: { audience: AdAudience; segmentName: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { refreshAdAudience, saveAdAudience } = useMarketingActions();
  const refresh = async () => {
    try {
      await refreshAdAudience.mutateAsync(audience.id);
      showSuccess(t('marketing.adAudience.refreshed'));
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Space orientation="vertical" style={{ display: 'flex' }} data-testid="ad-audience">
      <Space wrap>
        <Typography.Text strong>{segmentName}</Typography.Text>
        {audience.formats.map((f) => (
          <Tag key={f}>{t(`marketing.adFormat.${f}`)}</Tag>
        ))}
        <Typography.Text type="secondary">
          {t('marketing.adAudience.every', { hours: audience.intervalHours })}
          {audience.onChange ? ` · ${t('marketing.adAudience.onChangeShown', { minutes: audience.changeDelayMinutes })}` : ''}
        </Typography.Text>
        <Switch
          size="small"
          checked={audience.active}
          checkedChildren={t('marketing.channels.on')}
          unCheckedChildren={t('marketing.channels.off')}
          onChange={(active) => saveAdAudience.mutate({ id: audience.id, active })}
        />
        <Button size="small" icon={<ReloadOutlined />} onClick={refresh} loading={refreshAdAudience.isPending}>
          {t('marketing.adAudience.refreshNow')}
        </Button>
      </Space>
      <Typography.Text type="secondary">
        {t('marketing.adAudience.lastNext', {
          last: formatDateTime(audience.lastRefreshAt, language),
          next: audience.active ? formatDateTime(audience.nextRunAt, language) : '—',
        })}
      </Typography.Text>
      <Table<AdAudienceRefresh>
        rowKey="id"
        size="small"
        pagination={false}
        scroll={{ x: 'max-content' }}
        dataSource={audience.refreshes.slice(0, 6)}
        locale={{ emptyText: t('marketing.adAudience.noRefreshes') }}
        columns={[
          { title: t('marketing.adAudience.time'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, language) },
          { title: t('marketing.adAudience.format'), dataIndex: 'format', render: (f: AdFormat) => t(`marketing.adFormat.${f}`) },
          { title: t('marketing.adAudience.reason'), dataIndex: 'reason', render: (r: AdAudienceRefresh['reason']) => t(`marketing.adAudience.reasons.${r}`) },
          { title: t('marketing.adAudience.rows'), dataIndex: 'rows', render: (n: number) => n.toLocaleString() },
          {
            title: '',
            render: (_: unknown, r) => (
              <Button type="link" size="small" icon={<DownloadOutlined />} href={apiUrl(`/marketing/ad-audiences/${audience.id}/refreshes/${r.id}/file`)}>
                {t('marketing.download')}
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}

/** The ad-audience card: a download now, a new schedule, and the scheduled audiences with their refreshes. */
export function AdAudienceCard() {
  const { t } = useTranslation();
  const segments = useSegmentOptions().data?.data ?? [];
  const names = new Map(segments.map((s) => [s.id, s.name]));
  const audiences = useAdAudiences().data?.data ?? [];
  const { saveAdAudience } = useMarketingActions();
  const [segmentId, setSegmentId] = useState<string>();
  const [format, setFormat] = useState<AdFormat>('google');
  const [chosen, setChosen] = useState<AdFormat[]>(['google', 'meta']);
  const [intervalHours, setIntervalHours] = useState(6);
  const [onChange, setOnChange] = useState(true);
  const schedule = async () => {
    if (!segmentId) return;
    try {
      await saveAdAudience.mutateAsync({ segmentId, formats: chosen, intervalHours, onChange });
      showSuccess(t('marketing.saved'));
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Card size="small" title={t('marketing.adAudiences')} data-testid="ad-audiences">
      <Space orientation="vertical" style={{ display: 'flex' }}>
        <Select
          style={{ width: '100%', maxWidth: 360 }}
          placeholder={t('marketing.segment')}
          value={segmentId}
          onChange={setSegmentId}
          options={segments.map((s) => ({ value: s.id, label: s.name }))}
        />
        <Space wrap>
          <Select style={{ width: 160 }} value={format} onChange={setFormat} options={formats.map((f) => ({ value: f, label: t(`marketing.adFormat.${f}`) }))} />
          <Button icon={<DownloadOutlined />} disabled={!segmentId} href={segmentId ? apiUrl(`/marketing/audiences/${segmentId}/export`, { format }) : undefined}>
            {t('marketing.download')}
          </Button>
        </Space>
        <Divider plain style={{ margin: '4px 0' }}>
          {t('marketing.adAudience.keepFresh')}
        </Divider>
        <Space wrap>
          <Select
            mode="multiple"
            style={{ minWidth: 220 }}
            value={chosen}
            onChange={setChosen}
            options={formats.map((f) => ({ value: f, label: t(`marketing.adFormat.${f}`) }))}
          />
          <InputNumber
            min={1}
            max={168}
            value={intervalHours}
            onChange={(v) => setIntervalHours(v ?? 6)}
            addonAfter={t('marketing.adAudience.hours')}
            style={{ width: 150 }}
          />
          <Switch checked={onChange} onChange={setOnChange} /> <Typography.Text>{t('marketing.adAudience.onChange')}</Typography.Text>
          <Button type="primary" disabled={!segmentId || chosen.length === 0} onClick={schedule} loading={saveAdAudience.isPending}>
            {t('marketing.adAudience.schedule')}
          </Button>
        </Space>
        {audiences.length > 0 && (
          <List
            dataSource={audiences}
            renderItem={(a) => (
              <List.Item key={a.id}>
                <ScheduledAudience audience={a} segmentName={names.get(a.segmentId) ?? a.segmentId} />
              </List.Item>
            )}
          />
        )}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('marketing.adAudiencesHelp')}
        </Typography.Paragraph>
      </Space>
    </Card>
  );
}
