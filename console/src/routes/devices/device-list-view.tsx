// Devices as a table on desktop and as cards on phones.
import { Link, useNavigate } from '@tanstack/react-router';
import { Card, Flex, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Device } from '../../lib/api-types.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { deviceKindLabel, DeviceKindIcon } from './device-kind.tsx';
import { DeviceOnlineStatus } from './device-status.tsx';

function DeviceCards({ devices }: { devices: Device[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      {devices.map((device) => (
        <Card
          key={device.id}
          size="small"
          hoverable
          data-testid="device-card"
          onClick={() => void navigate({ to: '/devices/$deviceId', params: { deviceId: device.id } })}
        >
          <Flex gap={10} align="center">
            <DeviceKindIcon kind={device.kind} />
            <div style={{ minWidth: 0, flex: 1 }}>
              <Flex justify="space-between" gap={8}>
                <Typography.Text strong ellipsis data-testid="device-name">
                  {device.name}
                </Typography.Text>
                <DeviceOnlineStatus online={device.online} lastActivityAt={device.lastActivityAt} compact />
              </Flex>
              <Typography.Text type="secondary" style={{ fontSize: 13 }} ellipsis>
                {deviceKindLabel(t, device.kind)} · {device.storeCode} {device.storeName}
              </Typography.Text>
            </div>
          </Flex>
        </Card>
      ))}
    </Space>
  );
}

function DeviceTable({ devices, loading }: { devices: Device[]; loading: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const columns: TableColumnsType<Device> = [
    {
      key: 'name',
      title: t('device.name'),
      render: (_value, device) => (
        <Flex gap={8} align="center">
          <DeviceKindIcon kind={device.kind} size={26} />
          <div style={{ minWidth: 0 }}>
            <Link to="/devices/$deviceId" params={{ deviceId: device.id }} data-testid="device-name">
              {device.name}
            </Link>
            {device.label && (
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {device.label}
                </Typography.Text>
              </div>
            )}
          </div>
        </Flex>
      ),
    },
    { key: 'kind', title: t('device.kindLabel'), width: 120, render: (_value, device) => deviceKindLabel(t, device.kind) },
    {
      key: 'store',
      title: t('device.store'),
      render: (_value, device) => (
        <Link to="/stores/$storeId" params={{ storeId: device.storeId }}>
          {device.storeCode} · {device.storeName}
        </Link>
      ),
    },
    {
      key: 'profile',
      title: t('device.profile'),
      width: 160,
      render: (_value, device) => (
        <Space size={4}>
          {device.profileName}
          {device.isGateway && <Tag>{t('device.gateway')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'online',
      title: t('device.status'),
      width: 190,
      render: (_value, device) => <DeviceOnlineStatus online={device.online} lastActivityAt={device.lastActivityAt} />,
    },
  ];
  return (
    <Table<Device>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={devices}
      loading={loading}
      pagination={false}
      scroll={{ x: 860 }}
      locale={{ emptyText: t('devices.empty') }}
      onRow={(device) => ({
        style: { cursor: 'pointer' },
        onClick: (event) => {
          if ((event.target as HTMLElement).closest('a')) return;
          void navigate({ to: '/devices/$deviceId', params: { deviceId: device.id } });
        },
      })}
      data-testid="device-table"
    />
  );
}

/** The loaded devices, drawn for the viewport. */
export function DeviceListView({ devices, loading }: { devices: Device[]; loading: boolean }) {
  const isPhone = useIsPhone();
  return isPhone ? <DeviceCards devices={devices} /> : <DeviceTable devices={devices} loading={loading} />;
}
