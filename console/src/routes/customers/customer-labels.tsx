// Words and colours the customer screens share: channels, identifier types, debugger outcomes, money and values.
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import { type BuiltInIdentifierType, type DebugStatus, identifierTypes, type SourceChannel, sourceChannels } from './customer-types.ts';

export const channelColors: Record<SourceChannel, string> = {
  web: '#1677ff',
  app: '#722ed1',
  pos: '#52c41a',
  wifi: '#13c2c2',
  crm: '#fa8c16',
  service_desk: '#eb2f96',
};

function isChannel(channel: string): channel is SourceChannel {
  return (sourceChannels as readonly string[]).includes(channel);
}

/** A channel's translated name; an unknown one shows as itself. */
export function channelLabel(t: TFunction, channel: string): string {
  return isChannel(channel) ? t(`customers.channel.${channel}`) : channel;
}

/** A channel's colour (grey for one the console does not know). */
export function channelColor(channel: string): string {
  return isChannel(channel) ? channelColors[channel] : '#8c8c8c';
}

/** A channel as a coloured tag. */
export function ChannelTag({ channel, t }: { channel: string; t: TFunction }) {
  return (
    <Tag color={channelColor(channel)} data-testid="channel-tag">
      {channelLabel(t, channel)}
    </Tag>
  );
}

function isIdentifierType(type: string): type is BuiltInIdentifierType {
  return (identifierTypes as readonly string[]).includes(type);
}

/** An identifier type's translated name; a custom type shows as itself. */
export function identifierLabel(t: TFunction, type: string): string {
  return isIdentifierType(type) ? t(`customers.identifier.${type}`) : type;
}

export const debugStatusColors: Record<DebugStatus, string> = {
  stored: 'green',
  duplicate: 'default',
  rejected: 'red',
  suppressed: 'purple',
  failed: 'orange',
};

/** What became of an event in the debugger, as a tag. */
export function DebugStatusTag({ status, t }: { status: DebugStatus; t: TFunction }) {
  return (
    <Tag color={debugStatusColors[status]} data-testid="debug-status" data-status={status}>
      {t(`customers.debugStatus.${status}`)}
    </Tag>
  );
}

/** An amount of money (CNY) in the console's language. */
export function formatMoney(value: number, language: string): string {
  return new Intl.NumberFormat(language === 'zh-CN' ? 'zh-CN' : 'en-GB', { style: 'currency', currency: 'CNY', maximumFractionDigits: 2 }).format(value);
}

/** A trait or property value as short text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A person's display name from their traits: name, else email, else phone, else the id. */
export function personName(traits: Record<string, unknown>, fallback: string): string {
  for (const key of ['name', 'firstName', 'email', 'phone']) {
    const value = traits[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return fallback;
}
