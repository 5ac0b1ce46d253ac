// A segment's recompute state: ready, failed, or computing with its phase and progress.
import { Progress, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Segment } from '../customer-types.ts';

/** The status tag, with a progress bar while it recomputes. */
export function SegmentStatus({ segment, wide = false }: { segment: Segment; wide?: boolean }) {
  const { t } = useTranslation();
  const { done = 0, total = 0, phase } = segment.progress;
  if (segment.status === 'computing') {
    const percent = total > 0 ? Math.round((done / total) * 100) : 0;
    return (
      <Space size={6} data-testid="segment-status" data-status="computing" style={{ minWidth: wide ? 260 : 140 }}>
        <Tag color="processing">{t('customers.segmentStatus.computing')}</Tag>
        <Progress percent={percent} size="small" style={{ width: wide ? 160 : 80, margin: 0 }} />
        {wide && phase && <span style={{ fontSize: 12 }}>{phase}</span>}
      </Space>
    );
  }
  return (
    <Tag
      color={segment.status === 'ready' ? 'green' : segment.status === 'failed' ? 'red' : 'default'}
      data-testid="segment-status"
      data-status={segment.status}
    >
      {segment.status === 'ready' || segment.status === 'failed' ? t(`customers.segmentStatus.${segment.status}`) : segment.status}
    </Tag>
  );
}
