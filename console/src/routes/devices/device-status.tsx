// A device's online state and last activity, re-rendered as time passes.
import { Badge, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../lib/i18n.ts';
import type { LiveState } from '../../lib/live-events.ts';
import { formatAgo, formatTimestamp } from './value-format.ts';

/** The current time, ticking every `everyMs`, so "3 min ago" stays true. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** "Online · 12 s ago" with a green or grey dot. */
export function DeviceOnlineStatus({ online, lastActivityAt, compact = false }: { online: boolean; lastActivityAt: string | null; compact?: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const now = useNow();
  return (
    <span data-testid="device-online" data-online={online} style={{ whiteSpace: 'nowrap' }}>
      <Badge status={online ? 'success' : 'default'} text={online ? t('device.online') : t('device.offline')} />
      {!compact && lastActivityAt && (
        <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }} title={formatTimestamp(lastActivityAt, language)}>
          · {formatAgo(lastActivityAt, language, now)}
        </Typography.Text>
      )}
    </span>
  );
}

/** A small dot saying whether live updates flow. */
export function LiveIndicator({ state }: { state: LiveState }) {
  const { t } = useTranslation();
  const status = state === 'live' ? 'success' : state === 'connecting' ? 'processing' : 'default';
  return <Badge status={status} text={t(`live.${state}`)} data-testid="live-state" data-state={state} />;
}
