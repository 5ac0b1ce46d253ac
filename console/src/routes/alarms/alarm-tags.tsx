// An alarm's severity and status as coloured tags; the severity colours charts use too.
import { CheckCircleOutlined, ClockCircleOutlined, ExclamationCircleOutlined, StopOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmSeverity, AlarmStatus } from '../../lib/api-types.ts';

/** The colour each severity is drawn in, in tags and charts alike. */
export const severityColors: Record<AlarmSeverity, string> = {
  CRITICAL: '#cf1322',
  MAJOR: '#fa541c',
  MINOR: '#faad14',
  WARNING: '#1677ff',
  INDETERMINATE: '#8c8c8c',
};

/** A severity as a solid coloured tag. */
export function AlarmSeverityTag({ severity }: { severity: AlarmSeverity }) {
  const { t } = useTranslation();
  return (
    <Tag color={severityColors[severity]} data-testid="alarm-severity" data-severity={severity} style={{ marginInlineEnd: 0 }}>
      {t(`alarm.severity.${severity}`)}
    </Tag>
  );
}

const statusLook: Record<AlarmStatus, { color: string; icon: ReactNode }> = {
  ACTIVE_UNACK: { color: 'error', icon: <ExclamationCircleOutlined /> },
  ACTIVE_ACK: { color: 'warning', icon: <ClockCircleOutlined /> },
  CLEARED_UNACK: { color: 'processing', icon: <StopOutlined /> },
  CLEARED_ACK: { color: 'default', icon: <CheckCircleOutlined /> },
};

/** A status (active or cleared, acknowledged or not) as a tag. */
export function AlarmStatusTag({ status }: { status: AlarmStatus }) {
  const { t } = useTranslation();
  const look = statusLook[status];
  return (
    <Tag color={look.color} icon={look.icon} data-testid="alarm-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`alarm.status.${status}`)}
    </Tag>
  );
}
