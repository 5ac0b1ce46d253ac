// A person's events on one timeline across channels and stores, newest first, a page at a time; filtered by channel
// or store among the loaded events; each event's properties and traits on demand.
import { Button, Card, Empty, Flex, Select, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { ChannelTag, channelColor, channelLabel } from '../customer-labels.tsx';
import type { CustomerEvent } from '../customer-types.ts';
import { useProfileActivity, useProfileEvents } from './profile-queries.ts';

function EventDetails({ event }: { event: CustomerEvent }) {
  const [open, setOpen] = useState(false);
  const { t } = useTranslation();
  const hasTraits = Object.keys(event.traits).length > 0;
  const hasProperties = Object.keys(event.properties).length > 0;
  if (!hasTraits && !hasProperties) return null;
  return (
    <>
      <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOpen(!open)}>
        {open ? t('customers.timeline.hide') : t('customers.timeline.show')}
      </Button>
      {open && (
        <pre style={{ margin: 0, fontSize: 12, maxHeight: 240, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {JSON.stringify(hasProperties ? { properties: event.properties, ...(hasTraits ? { traits: event.traits } : {}) } : { traits: event.traits }, null, 2)}
        </pre>
      )}
    </>
  );
}

/** The timeline card of a person. */
export function TimelineCard({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const events = useProfileEvents(profileId);
  const activity = useProfileActivity(profileId, 90);
  const [channel, setChannel] = useState<string | undefined>();
  const [store, setStore] = useState<string | undefined>();
  const storeNames = useMemo(
    () => new Map((activity.data?.stores ?? []).map((s) => [s.storeId, s.code ? `${s.code} · ${s.name}` : s.storeId])),
    [activity.data],
  );
  const loaded = events.data?.pages.flatMap((page) => page.data) ?? [];
  const shown = loaded.filter((e) => (!channel || e.channel === channel) && (!store || e.storeId === store));

  return (
    <Card title={t('customers.timeline.title')} data-testid="profile-timeline">
      <Flex gap={8} wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('customers.timeline.allChannels')}
          value={channel}
          onChange={setChannel}
          style={{ minWidth: 140 }}
          options={(activity.data?.channels ?? []).map((c) => ({ value: c.channel, label: `${channelLabel(t, c.channel)} (${c.count})` }))}
          data-testid="timeline-channel"
        />
        <Select
          allowClear
          placeholder={t('customers.timeline.allStores')}
          value={store}
          onChange={setStore}
          style={{ minWidth: 180 }}
          options={(activity.data?.stores ?? []).map((s) => ({ value: s.storeId, label: `${storeNames.get(s.storeId)} (${s.count})` }))}
        />
      </Flex>
      {events.isPending ? (
        <Skeleton active />
      ) : shown.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.timeline.empty')} />
      ) : (
        <Timeline
          items={shown.map((e) => ({
            key: e.messageId,
            color: channelColor(e.channel),
            content: (
              <div data-testid="timeline-event">
                <Space size={4} wrap>
                  <Typography.Text strong data-testid="timeline-event-name">
                    {e.event ?? e.type}
                  </Typography.Text>
                  <ChannelTag channel={e.channel} t={t} />
                  {e.event && <Tag>{e.type}</Tag>}
                  {e.storeId && <Tag color="gold">{storeNames.get(e.storeId) ?? e.storeId}</Tag>}
                </Space>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(e.timestamp, language)}
                  </Typography.Text>
                </div>
                <EventDetails event={e} />
              </div>
            ),
          }))}
        />
      )}
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text type="secondary">{t('customers.loaded', { count: loaded.length })}</Typography.Text>
        {events.hasNextPage && (
          <Button onClick={() => void events.fetchNextPage()} loading={events.isFetchingNextPage} data-testid="timeline-more">
            {t('common.loadMore')}
          </Button>
        )}
      </Flex>
    </Card>
  );
}
