// A segment's entries and exits, newest first: who entered or left, when, and why (an event, a time window that
// passed, a recompute, a merge, a deletion). Filtered to entries or exits, a page at a time.
import { Link } from '@tanstack/react-router';
import { Button, Card, Empty, Flex, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { personName } from '../customer-labels.tsx';
import type { SegmentChange } from '../customer-types.ts';
import { useSegmentHistory } from './segment-queries.ts';

type KindFilter = 'all' | SegmentChange['kind'];

/** The entry and exit history card of a segment page. */
export function SegmentHistoryCard({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const [kind, setKind] = useState<KindFilter>('all');
  const history = useSegmentHistory(segmentId, kind === 'all' ? undefined : kind);
  const rows = history.data?.pages.flatMap((page) => page.data) ?? [];
  return (
    <Card
      title={t('customers.segments.historyTitle')}
      data-testid="segment-history"
      data-state={history.isPending ? 'loading' : 'ready'}
      extra={
        <Segmented<KindFilter>
          size="small"
          value={kind}
          onChange={setKind}
          data-testid="segment-history-kind"
          options={[
            { value: 'all', label: t('customers.segments.historyAll') },
            { value: 'entered', label: t('customers.segments.entered') },
            { value: 'exited', label: t('customers.segments.exited') },
          ]}
        />
      }
    >
      <Table<SegmentChange>
        rowKey={(row) => `${row.profileId}|${row.kind}|${row.at}`}
        size="small"
        loading={history.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 520 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.segments.historyEmpty')} /> }}
        columns={[
          { key: 'at', title: t('customers.segments.historyAt'), render: (_v, row) => formatDateTime(row.at, language) },
          {
            key: 'person',
            title: t('customers.segments.person'),
            render: (_v, row) => (
              <Link to="/customers/profiles/$profileId" params={{ profileId: row.profileId }} data-testid="segment-history-person">
                {personName(row.traits, row.profileId)}
              </Link>
            ),
          },
          {
            key: 'kind',
            title: t('customers.segments.historyKind'),
            render: (_v, row) => (
              <Tag color={row.kind === 'entered' ? 'green' : 'default'} data-testid="segment-history-kind-tag" data-kind={row.kind}>
                {row.kind === 'entered' ? t('customers.segments.entered') : t('customers.segments.exited')}
              </Tag>
            ),
          },
          { key: 'reason', title: t('customers.segments.historyReason'), render: (_v, row) => t(`customers.segments.reason.${row.reason}`) },
        ]}
      />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
        <Typography.Text type="secondary">{t('customers.loaded', { count: rows.length })}</Typography.Text>
        {history.hasNextPage && (
          <Button onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}
