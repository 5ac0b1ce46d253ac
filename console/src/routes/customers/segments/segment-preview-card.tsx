// The live size of the definition being edited (debounced), out of everyone, and a few of the people it selects.
import { Link } from '@tanstack/react-router';
import { Alert, Card, Empty, Progress, Spin, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../../components/item-list.tsx';
import { personName } from '../customer-labels.tsx';
import type { Condition } from '../customer-types.ts';
import { isComplete } from './condition-model.ts';
import { useSegmentPreview } from './segment-queries.ts';

/** The preview card beside the builder. */
export function SegmentPreviewCard({ definition }: { definition: Condition }) {
  const { t } = useTranslation();
  const complete = isComplete(definition);
  const preview = useSegmentPreview(complete ? definition : null);
  const data = preview.data;
  const percent = data && data.total > 0 ? Math.round((data.count / data.total) * 1000) / 10 : 0;

  return (
    <Card title={t('customers.builder.liveSize')} extra={preview.isFetching && <Spin size="small" />} data-testid="segment-preview">
      {!complete && <Alert type="info" showIcon title={t('customers.builder.incomplete')} style={{ marginBottom: 12 }} />}
      {preview.isError && <Alert type="error" showIcon title={preview.error.message} style={{ marginBottom: 12 }} data-testid="segment-preview-error" />}
      {data ? (
        <>
          <div data-testid="segment-live-count" data-count={data.count} data-fetching={preview.isFetching}>
            <Statistic value={data.count} suffix={<Typography.Text type="secondary">{` / ${data.total}`}</Typography.Text>} />
          </div>
          <Progress percent={percent} size="small" />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('customers.builder.tookMs', { ms: data.tookMs })}
          </Typography.Text>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('customers.builder.sample')}
          </Typography.Title>
          <ItemList
            items={data.sample}
            rowKey={(m) => m.profileId}
            emptyText={t('customers.builder.nobody')}
            itemTestId="segment-sample"
            renderItem={(m) => (
              <Link to="/customers/profiles/$profileId" params={{ profileId: m.profileId }}>
                {personName(m.traits, m.profileId)}
              </Link>
            )}
          />
        </>
      ) : (
        complete && !preview.isError && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.builder.counting')} />
      )}
    </Card>
  );
}
