// A device's kind (its profile's): icon, colour and translated name.
import {
  ApiOutlined,
  CloudOutlined,
  CreditCardOutlined,
  DesktopOutlined,
  GatewayOutlined,
  HddOutlined,
  InboxOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  WifiOutlined,
} from '@ant-design/icons';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { type DeviceKind, deviceKinds } from '../../lib/api-types.ts';

const kindIcons: Record<DeviceKind, ReactNode> = {
  fridge: <InboxOutlined />,
  freezer: <HddOutlined />,
  hvac: <CloudOutlined />,
  meter: <ThunderboltOutlined />,
  people_counter: <TeamOutlined />,
  signage: <DesktopOutlined />,
  pos: <CreditCardOutlined />,
  network: <WifiOutlined />,
  gateway: <GatewayOutlined />,
  other: <ApiOutlined />,
};

const kindColors: Record<DeviceKind, string> = {
  fridge: '#1677ff',
  freezer: '#13c2c2',
  hvac: '#2f54eb',
  meter: '#fa8c16',
  people_counter: '#722ed1',
  signage: '#eb2f96',
  pos: '#52c41a',
  network: '#595959',
  gateway: '#8c8c8c',
  other: '#8c8c8c',
};

/** Whether the server's kind is one the console knows (else it is drawn as `other`). */
export function isDeviceKind(kind: string): kind is DeviceKind {
  return (deviceKinds as readonly string[]).includes(kind);
}

/** The kind's translated name; an unknown kind shows as itself. */
export function deviceKindLabel(t: TFunction, kind: string): string {
  return isDeviceKind(kind) ? t(`device.kind.${kind}`) : kind;
}

/** The kind's icon in its colour, in a round badge. */
export function DeviceKindIcon({ kind, size = 32 }: { kind: string; size?: number }) {
  const known = isDeviceKind(kind) ? kind : 'other';
  const color = kindColors[known];
  return (
    <span
      data-testid="device-kind-icon"
      data-kind={known}
      aria-hidden
      style={{
        display: 'inline-grid',
        placeItems: 'center',
        flexShrink: 0,
        width: size,
        height: size,
        borderRadius: '50%',
        background: `${color}1a`,
        color,
        fontSize: Math.round(size * 0.5),
      }}
    >
      {kindIcons[known]}
    </span>
  );
}
