// One alarm with what fired it and its history (GET /alarms/{id}), in a drawer beside the list.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Descriptions, Drawer, Skeleton, Space, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { Alarm, AlarmSeverity, AlarmStatus, JsonValue } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { formatTimestamp, formatValue } from '../devices/value-format.ts';
import { AlarmActions } from './alarm-actions.tsx';
import { AlarmSeverityTag, AlarmStatusTag, severityColors } from './alarm-tags.tsx';

interface AlarmHistoryEntry {
  at: string;
  action: 'created' | 'severity_changed' | 'acknowledged' | 'cleared';
  by: string;
  status: AlarmStatus;
  severity: AlarmSeverity;
  from?: AlarmSeverity;
}

/** The alarm drawer; open while `alarmId` is set. */
export function AlarmDetailDrawer({ alarmId, onClose }: { alarmId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const alarm = useQuery({
    queryKey: ['alarms', 'detail', alarmId],
    queryFn: () => api.get<Alarm & { history: AlarmHistoryEntry[] }>(`/alarms/${alarmId}`),
    enabled: alarmId !== null,
  });
  const data = alarm.data;
  const values = Object.entries(data?.details.values ?? {}) as [string, JsonValue][];

  return (
    <Drawer open={alarmId !== null} onClose={onClose} size={isPhone ? '100%' : 480} title={data?.type ?? t('alarms.title')} data-testid="alarm-drawer">
      {!data ? (
        <Skeleton active />
      ) : (
        <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
          <Space wrap>
            <AlarmSeverityTag severity={data.severity} />
            <AlarmStatusTag status={data.status} />
          </Space>
          {data.details.message && <Typography.Paragraph style={{ margin: 0 }}>{data.details.message}</Typography.Paragraph>}
          <AlarmActions alarm={data} size="middle" />
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('alarm.device')}>
              <Link to="/devices/$deviceId" params={{ deviceId: data.deviceId }} onClick={onClose}>
                {data.deviceName}
              </Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('alarm.started')}>{formatTimestamp(data.startedAt, language)}</Descriptions.Item>
            {data.endedAt && <Descriptions.Item label={t('alarm.ended')}>{formatTimestamp(data.endedAt, language)}</Descriptions.Item>}
            {data.acknowledgedAt && (
              <Descriptions.Item label={t('alarm.acknowledged')}>
                {formatTimestamp(data.acknowledgedAt, language)} · {data.acknowledgedBy}
              </Descriptions.Item>
            )}
            {data.clearedAt && (
              <Descriptions.Item label={t('alarm.cleared')}>
                {formatTimestamp(data.clearedAt, language)} · {data.clearedBy === 'rule' ? t('alarm.byRule') : data.clearedBy}
              </Descriptions.Item>
            )}
            {data.details.condition && (
              <Descriptions.Item label={t('alarm.condition')}>
                <Typography.Text code>{data.details.condition}</Typography.Text>
              </Descriptions.Item>
            )}
            {values.map(([key, value]) => (
              <Descriptions.Item key={key} label={key}>
                {formatValue(value, language)}
              </Descriptions.Item>
            ))}
          </Descriptions>
          <div>
            <Typography.Title level={5}>{t('alarm.history')}</Typography.Title>
            <Timeline
              items={data.history.map((entry) => ({
                color: severityColors[entry.severity],
                content: (
                  <div>
                    <Typography.Text strong>
                      {t(`alarm.historyAction.${entry.action}`)}
                      {entry.action === 'severity_changed' && entry.from
                        ? ` ${t(`alarm.severity.${entry.from}`)} → ${t(`alarm.severity.${entry.severity}`)}`
                        : ''}
                    </Typography.Text>
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatTimestamp(entry.at, language)} · {entry.by === 'rule' ? t('alarm.byRule') : entry.by}
                      </Typography.Text>
                    </div>
                  </div>
                ),
              }))}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}
