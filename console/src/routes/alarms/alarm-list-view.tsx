// Alarms as a table on desktop and as cards on phones, each opening its drawer.
import { Link } from '@tanstack/react-router';
import { Card, Flex, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ListedAlarm } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { useNow } from '../devices/device-status.tsx';
import { formatAgo, formatTimestamp } from '../devices/value-format.ts';
import { AlarmActions } from './alarm-actions.tsx';
import { AlarmDetailDrawer } from './alarm-detail-drawer.tsx';
import { AlarmSeverityTag, AlarmStatusTag } from './alarm-tags.tsx';

interface AlarmListViewProps {
  alarms: ListedAlarm[];
  loading?: boolean;
  /** Leave out the store (a store's own alarms) or the device (a device's own). */
  hideStore?: boolean;
  hideDevice?: boolean;
  /** Cards whatever the viewport (a narrow card on a desktop page). */
  cards?: boolean;
}

function Started({ alarm }: { alarm: ListedAlarm }) {
  const language = useLanguage();
  const now = useNow();
  return (
    <span title={formatTimestamp(alarm.startedAt, language)} style={{ whiteSpace: 'nowrap' }}>
      {formatAgo(alarm.startedAt, language, now)}
    </span>
  );
}

function AlarmCards({ alarms, hideStore, hideDevice, onOpen }: AlarmListViewProps & { onOpen: (id: string) => void }) {
  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      {alarms.map((alarm) => (
        <Card key={alarm.id} size="small" hoverable data-testid="alarm-card" data-alarm-id={alarm.id} onClick={() => onOpen(alarm.id)}>
          <Flex justify="space-between" gap={8} align="flex-start">
            <div style={{ minWidth: 0 }}>
              <Space size={6} wrap>
                <AlarmSeverityTag severity={alarm.severity} />
                <Typography.Text strong data-testid="alarm-type">
                  {alarm.type}
                </Typography.Text>
              </Space>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {!hideDevice && alarm.deviceName}
                  {!hideDevice && !hideStore && ' · '}
                  {!hideStore && `${alarm.storeCode} ${alarm.storeName}`}
                </Typography.Text>
              </div>
              {alarm.details.message && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
                  {alarm.details.message}
                </Typography.Text>
              )}
            </div>
            <Flex vertical align="flex-end" gap={4} style={{ flexShrink: 0 }}>
              <AlarmStatusTag status={alarm.status} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                <Started alarm={alarm} />
              </Typography.Text>
            </Flex>
          </Flex>
          <div style={{ marginTop: 8 }}>
            <AlarmActions alarm={alarm} />
          </div>
        </Card>
      ))}
    </Space>
  );
}

function AlarmTable({ alarms, loading, hideStore, hideDevice, onOpen }: AlarmListViewProps & { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<ListedAlarm> = [
    { key: 'severity', title: t('alarm.severityLabel'), width: 96, render: (_value, alarm) => <AlarmSeverityTag severity={alarm.severity} /> },
    {
      key: 'type',
      title: t('alarm.type'),
      width: 230,
      render: (_value, alarm) => (
        <div style={{ minWidth: 0 }}>
          <Typography.Link onClick={() => onOpen(alarm.id)} data-testid="alarm-type">
            {alarm.type}
          </Typography.Link>
          {alarm.details.message && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {alarm.details.message}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    ...(hideDevice && hideStore
      ? []
      : [
          {
            // device above its store: one column, so the store's long name is not squeezed to a sliver
            key: 'where',
            title: hideDevice ? t('alarm.store') : hideStore ? t('alarm.device') : t('alarm.deviceAndStore'),
            render: (_value: unknown, alarm: ListedAlarm) => (
              <div style={{ minWidth: 0 }}>
                {!hideDevice && (
                  <Link to="/devices/$deviceId" params={{ deviceId: alarm.deviceId }}>
                    {alarm.deviceName}
                  </Link>
                )}
                {!hideStore && (
                  <div>
                    <Link to="/stores/$storeId" params={{ storeId: alarm.storeId }} style={{ fontSize: hideDevice ? undefined : 12 }}>
                      {alarm.storeCode} · {alarm.storeName}
                    </Link>
                  </div>
                )}
              </div>
            ),
          },
        ]),
    { key: 'status', title: t('alarm.statusLabel'), width: 140, render: (_value, alarm) => <AlarmStatusTag status={alarm.status} /> },
    { key: 'started', title: t('alarm.started'), width: 110, render: (_value, alarm) => <Started alarm={alarm} /> },
    { key: 'actions', title: t('common.actions'), width: 180, render: (_value, alarm) => <AlarmActions alarm={alarm} /> },
  ];
  return (
    <Table<ListedAlarm>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={alarms}
      loading={loading}
      pagination={false}
      scroll={{ x: 960 }}
      locale={{ emptyText: t('alarms.empty') }}
      onRow={(alarm) => ({ 'data-testid': 'alarm-row', 'data-alarm-id': alarm.id }) as React.HTMLAttributes<HTMLElement>}
      data-testid="alarm-table"
    />
  );
}

/** The alarms, drawn for the viewport; a click opens the alarm's drawer. */
export function AlarmListView(props: AlarmListViewProps) {
  const isPhone = useIsPhone();
  const [open, setOpen] = useState<string | null>(null);
  return (
    <>
      {isPhone || props.cards ? <AlarmCards {...props} onOpen={setOpen} /> : <AlarmTable {...props} onOpen={setOpen} />}
      <AlarmDetailDrawer alarmId={open} onClose={() => setOpen(null)} />
    </>
  );
}
