// Download a segment as an ad platform's customer list (consented people's hashed e-mails and phones).
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../lib/api-client.ts';
import { useSegmentOptions } from './marketing-queries.ts';

const formats = ['google', 'meta', 'tiktok'] as const;

/** The ad-audience export: a segment, a platform format, a download. */
export function AdAudienceCard() {
  const { t } = useTranslation();
  const segments = useSegmentOptions().data?.data ?? [];
  const [segmentId, setSegmentId] = useState<string>();
  const [format, setFormat] = useState<(typeof formats)[number]>('google');
  return (
    <Card size="small" title={t('marketing.adAudiences')} data-testid="ad-audiences">
      <Space wrap>
        <Select
          style={{ width: 260 }}
          placeholder={t('marketing.segment')}
          value={segmentId}
          onChange={setSegmentId}
          options={segments.map((s) => ({ value: s.id, label: s.name }))}
        />
        <Select style={{ width: 140 }} value={format} onChange={setFormat} options={formats.map((f) => ({ value: f, label: t(`marketing.adFormat.${f}`) }))} />
        <Button icon={<DownloadOutlined />} disabled={!segmentId} href={segmentId ? apiUrl(`/marketing/audiences/${segmentId}/export`, { format }) : undefined}>
          {t('marketing.download')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t('marketing.adAudiencesHelp')}
      </Typography.Paragraph>
    </Card>
  );
}
