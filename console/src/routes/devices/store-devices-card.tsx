// A store's devices on the store page: kind, live online state and last activity, the latest values
// of each device's chart keys; a store's live events (GET /live?storeId=) keep them current.
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Card, Flex, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import type { Device } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { useLanguage } from '../../lib/i18n.ts';
import { useLiveEvents } from '../../lib/live-events.ts';
import { DeviceCreateDialog } from './device-create-dialog.tsx';
import { DeviceKindIcon, deviceKindLabel } from './device-kind.tsx';
import { applyLiveEvent, deviceKeys, useDeviceProfiles, useLatestValues, useStoreDevices } from './device-queries.ts';
import { DeviceOnlineStatus, LiveIndicator } from './device-status.tsx';
import { formatValue } from './value-format.ts';

/** How many values a row shows. */
const shownValues = 3;

function DeviceValues({ device, keys }: { device: Device; keys: readonly string[] }) {
  const language = useLanguage();
  const latest = useLatestValues(device.id);
  const values = useMemo(() => {
    const all = latest.data ?? [];
    // the profile's chart keys first, in its order
    const chosen = keys.flatMap((key) => all.filter((value) => value.key === key));
    return (chosen.length ? chosen : all).slice(0, shownValues);
  }, [latest.data, keys]);
  if (values.length === 0) return null;
  return (
    <Space wrap size={[12, 0]} style={{ display: 'flex' }} data-testid="store-device-values">
      {values.map((value) => (
        <Typography.Text key={value.key} style={{ fontSize: 13 }} data-key={value.key}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {value.key}
          </Typography.Text>{' '}
          <span data-testid="store-device-value">{formatValue(value.value, language)}</span>
        </Typography.Text>
      ))}
    </Space>
  );
}

/** The devices card of the store page. */
export function StoreDevicesCard({ storeId }: { storeId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const devices = useStoreDevices(storeId);
  const profiles = useDeviceProfiles();
  const [creating, setCreating] = useState(false);
  const chartKeys = useMemo(() => new Map((profiles.data ?? []).map((profile) => [profile.id, profile.defaultChartKeys])), [profiles.data]);
  const live = useLiveEvents(
    { storeId },
    {
      onEvent: (event) => applyLiveEvent(queryClient, event),
      onReconnect: () => void queryClient.invalidateQueries({ queryKey: deviceKeys.store(storeId) }),
    },
  );
  const list = devices.data ?? [];
  const online = list.filter((device) => device.online).length;

  return (
    <Card
      title={
        <Space wrap size={[8, 0]}>
          {t('devices.ofStore')}
          {devices.data && (
            <Typography.Text type="secondary" style={{ fontSize: 13, fontWeight: 'normal' }} data-testid="store-devices-online">
              {t('devices.onlineOf', { online, total: list.length })}
            </Typography.Text>
          )}
        </Space>
      }
      data-testid="store-devices"
      extra={
        <Space wrap>
          <LiveIndicator state={live} />
          {can('devices:write') && (
            <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="store-device-add">
              {t('common.add')}
            </Button>
          )}
        </Space>
      }
    >
      <ItemList
        loading={devices.isPending}
        items={list}
        rowKey={(device) => device.id}
        emptyText={t('devices.emptyStore')}
        itemTestId="store-device"
        renderItem={(device) => (
          <Flex gap={10} align="center" style={{ minWidth: 0 }}>
            <DeviceKindIcon kind={device.kind} />
            <div style={{ minWidth: 0, flex: 1 }}>
              <Flex justify="space-between" gap={8} wrap>
                <Link
                  to="/devices/$deviceId"
                  params={{ deviceId: device.id }}
                  data-testid="store-device-name"
                  style={{ fontWeight: 600, wordBreak: 'break-all' }}
                >
                  {device.name}
                </Link>
                <DeviceOnlineStatus online={device.online} lastActivityAt={device.lastActivityAt} />
              </Flex>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {device.label ?? deviceKindLabel(t, device.kind)}
              </Typography.Text>
              <DeviceValues device={device} keys={chartKeys.get(device.profileId) ?? []} />
            </div>
          </Flex>
        )}
      />
      {list.length > 0 && (
        <div style={{ marginTop: 8 }}>
          <Link to="/devices" search={{ storeId }}>
            {t('devices.allOfStore')}
          </Link>
        </div>
      )}
      {creating && (
        <DeviceCreateDialog
          storeId={storeId}
          onClose={() => setCreating(false)}
          onCreated={(deviceId) => void navigate({ to: '/devices/$deviceId', params: { deviceId }, search: { tab: 'credentials' } })}
        />
      )}
    </Card>
  );
}
