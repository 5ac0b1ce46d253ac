// The live event debugger: the source's last events as received, newest first, with what became of each; rejected
// ones highlighted with their reason; the raw event on demand. Live over SSE, polled while the stream is down.
import { CaretRightOutlined, PauseOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Card, Empty, Flex, Segmented, Space, Tag, Typography, theme } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { LiveIndicator } from '../../devices/device-status.tsx';
import { DebugStatusTag } from '../customer-labels.tsx';
import type { DebugEntry, SourceDebugger as DebuggerData } from '../customer-types.ts';
import { useDebuggerStream } from './debugger-stream.ts';
import { sourceKeys, useSourceDebugger } from './source-queries.ts';

const keep = 100;
type View = 'all' | 'errors';

function entryKey(entry: DebugEntry, index: number): string {
  return `${entry.at}|${entry.messageId ?? ''}|${entry.status}|${index}`;
}

function DebugRow({ entry }: { entry: DebugEntry }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { token } = theme.useToken();
  const [open, setOpen] = useState(false);
  const bad = entry.status === 'rejected' || entry.status === 'failed';
  return (
    <li
      data-testid="debug-entry"
      data-status={entry.status}
      style={{
        listStyle: 'none',
        padding: '8px 10px',
        borderRadius: token.borderRadius,
        marginBottom: 6,
        background: bad ? token.colorErrorBg : token.colorFillQuaternary,
        border: `1px solid ${bad ? token.colorErrorBorder : token.colorBorderSecondary}`,
      }}
    >
      <Flex justify="space-between" align="center" gap={8} wrap style={{ cursor: 'pointer' }} onClick={() => setOpen(!open)}>
        <Space size={6} wrap>
          <DebugStatusTag status={entry.status} t={t} />
          {entry.type && <Tag>{entry.type}</Tag>}
          <Typography.Text strong data-testid="debug-event-name">
            {entry.event ?? '—'}
          </Typography.Text>
        </Space>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {formatDateTime(entry.at, language)}
        </Typography.Text>
      </Flex>
      {entry.reason && (
        <Typography.Text type="danger" style={{ display: 'block', marginTop: 4 }} data-testid="debug-reason">
          {entry.reason}
        </Typography.Text>
      )}
      {entry.messageId && (
        <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }}>
          messageId {entry.messageId}
        </Typography.Text>
      )}
      {open && (
        <pre
          style={{ margin: '8px 0 0', maxHeight: 320, overflow: 'auto', fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
          data-testid="debug-raw"
        >
          {entry.truncated ? `${String(entry.raw)}\n… ${t('customers.debugger.truncated')}` : JSON.stringify(entry.raw, null, 2)}
        </pre>
      )}
    </li>
  );
}

/** The debugger card of a source. */
export function SourceDebugger({ sourceId }: { sourceId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [paused, setPaused] = useState(false);
  const [view, setView] = useState<View>('all');
  const live = useDebuggerStream(
    sourceId,
    !paused,
    (entry) => {
      queryClient.setQueryData<DebuggerData>(sourceKeys.debugger(sourceId), (held) => {
        const base = held ?? { events: [], errors: [] };
        return { ...base, events: [entry, ...base.events].slice(0, keep) };
      });
    },
    () => void queryClient.invalidateQueries({ queryKey: sourceKeys.debugger(sourceId) }),
  );
  // Without the live stream (or while paused, nothing), the list is polled.
  const loaded = useSourceDebugger(sourceId, live === 'closed' && !paused ? 5000 : false);

  const entries = useMemo(() => {
    const data = loaded.data;
    if (!data) return [];
    return view === 'all' ? data.events : data.errors;
  }, [loaded.data, view]);
  const rejected = loaded.data?.events.filter((e) => e.status === 'rejected').length ?? 0;

  return (
    <Card
      title={t('customers.debugger.title')}
      data-testid="source-debugger"
      extra={
        <Space wrap>
          {paused ? <Badge status="default" text={t('customers.debugger.paused')} /> : <LiveIndicator state={live} />}
          <Button
            size="small"
            icon={paused ? <CaretRightOutlined /> : <PauseOutlined />}
            onClick={() => {
              // what arrived while paused is loaded again on resuming
              if (paused) void queryClient.invalidateQueries({ queryKey: sourceKeys.debugger(sourceId) });
              setPaused(!paused);
            }}
            data-testid="debugger-pause"
          >
            {paused ? t('customers.debugger.resume') : t('customers.debugger.pause')}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
        <Typography.Text type="secondary">{t('customers.debugger.help')}</Typography.Text>
        <Segmented<View>
          value={view}
          onChange={setView}
          options={[
            { value: 'all', label: t('customers.debugger.recent', { count: loaded.data?.events.length ?? 0 }) },
            { value: 'errors', label: t('customers.debugger.errors', { count: loaded.data?.errors.length ?? 0 }) },
          ]}
          data-testid="debugger-view"
        />
        {rejected > 0 && view === 'all' && <Alert type="error" showIcon title={t('customers.debugger.rejectedNow', { count: rejected })} />}
        {entries.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={view === 'all' ? t('customers.debugger.empty') : t('customers.debugger.noErrors')} />
        ) : (
          <ul style={{ margin: 0, padding: 0 }} data-testid="debug-entries">
            {entries.map((entry, index) => (
              <DebugRow key={entryKey(entry, index)} entry={entry} />
            ))}
          </ul>
        )}
      </Space>
    </Card>
  );
}
