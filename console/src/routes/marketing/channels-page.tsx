// The tenant's channels: kind, state, the last days' deliveries by state; add and edit (marketing:channels), a test
// send to an address, and each channel's dead letters with their replay.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Drawer, Flex, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { ChannelForm } from './channel-form.tsx';
import { useChannels, useDeadLetters, useMarketingActions } from './marketing-queries.ts';
import type { Channel, DeadLetter } from './marketing-types.ts';
import { MessageSenderLink } from './message-sender.tsx';

const deliveryColor = { sent: 'blue', delivered: 'green', failed: 'red', bounced: 'orange' } as const;

function TestSendDialog({ channel, onClose }: { channel?: Channel; onClose: () => void }) {
  const { t } = useTranslation();
  const { testChannel } = useMarketingActions();
  const [to, setTo] = useState('');
  const [body, setBody] = useState('');
  const send = async () => {
    if (!channel) return;
    try {
      const r = await testChannel.mutateAsync({ id: channel.id, to: to.trim(), body: body.trim() || t('marketing.channels.testBody') });
      if (r.ok) {
        showSuccess(t('marketing.testSent', { to: to.trim() }));
        onClose();
      } else showError(new Error(r.error ?? ''));
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Modal
      open={Boolean(channel)}
      title={t('marketing.channels.testSendTo', { name: channel?.name ?? '' })}
      onCancel={onClose}
      onOk={send}
      okText={t('marketing.sendTest')}
      okButtonProps={{ disabled: to.trim().length < 3 }}
      confirmLoading={testChannel.isPending}
      destroyOnHidden
    >
      <Space orientation="vertical" style={{ display: 'flex' }}>
        <Input placeholder={t('marketing.testTo')} value={to} onChange={(e) => setTo(e.target.value)} data-testid="channel-test-to" />
        <Input.TextArea rows={3} placeholder={t('marketing.channels.testBody')} value={body} onChange={(e) => setBody(e.target.value)} />
      </Space>
    </Modal>
  );
}

function DeadLetterDrawer({ channel, onClose }: { channel?: Channel; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const isPhone = useIsPhone();
  const letters = useDeadLetters(channel?.id);
  const { replayDeadLetters } = useMarketingActions();
  const [selected, setSelected] = useState<string[]>([]);
  const replay = async (messageIds?: string[]) => {
    if (!channel) return;
    try {
      const r = await replayDeadLetters.mutateAsync({ id: channel.id, messageIds });
      showSuccess(t('marketing.channels.replayed', { count: r.requeued }));
      setSelected([]);
    } catch (err) {
      showError(err);
    }
  };
  const rows = letters.data?.data ?? [];
  return (
    <Drawer
      open={Boolean(channel)}
      onClose={onClose}
      size={isPhone ? '100%' : 720}
      title={t('marketing.channels.deadLettersOf', { name: channel?.name ?? '' })}
      data-testid="dead-letters"
    >
      {can('marketing:channels') && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Button disabled={selected.length === 0} onClick={() => replay(selected)} loading={replayDeadLetters.isPending}>
            {t('marketing.channels.replaySelected', { count: selected.length })}
          </Button>
          <Button type="primary" disabled={rows.length === 0} onClick={() => replay()} loading={replayDeadLetters.isPending}>
            {t('marketing.channels.replayAll')}
          </Button>
        </Space>
      )}
      <Table<DeadLetter>
        rowKey="id"
        size="small"
        loading={letters.isLoading}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        rowSelection={can('marketing:channels') ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
        locale={{ emptyText: t('marketing.channels.noDeadLetters') }}
        columns={[
          { title: t('marketing.sentBy'), key: 'sender', render: (_: unknown, m) => <MessageSenderLink sender={m} /> },
          { title: t('marketing.channels.recipient'), dataIndex: 'recipient', render: (v: string | null) => v ?? '—' },
          {
            title: t('marketing.channels.error'),
            dataIndex: 'error',
            render: (v: string | null) => <Typography.Text type="danger">{v ?? ''}</Typography.Text>,
          },
          { title: t('marketing.channels.attempts'), dataIndex: 'attempts' },
          { title: t('marketing.channels.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v, language) },
        ]}
      />
    </Drawer>
  );
}

/** The channels page. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const channels = useChannels();
  const [editing, setEditing] = useState<{ channel?: Channel } | null>(null);
  const [testing, setTesting] = useState<Channel>();
  const [letters, setLetters] = useState<Channel>();
  const manage = can('marketing:channels');
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="channel-list">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('marketing.channels.title')}
        </Typography.Title>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="channel-new">
            {t('marketing.channels.add')}
          </Button>
        )}
      </Flex>
      <Table<Channel>
        rowKey="id"
        size="small"
        loading={channels.isLoading}
        dataSource={channels.data?.data ?? []}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('marketing.name'), dataIndex: 'name' },
          { title: t('marketing.channels.kind'), dataIndex: 'kind', render: (k: Channel['kind']) => <Tag>{t(`marketing.channels.kinds.${k}`)}</Tag> },
          {
            title: t('marketing.state'),
            dataIndex: 'active',
            render: (a: boolean) => <Tag color={a ? 'green' : 'default'}>{a ? t('marketing.channels.on') : t('marketing.channels.off')}</Tag>,
          },
          {
            title: t('marketing.channels.lastDeliveries'),
            render: (_: unknown, c) => (
              <Space size={4} wrap>
                {(['sent', 'delivered', 'failed', 'bounced'] as const).map((s) => (
                  <Tag key={s} color={deliveryColor[s]} data-testid={`channel-${s}`}>
                    {t(`marketing.channels.delivery.${s}`)} {c.deliveries?.[s] ?? 0}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('marketing.channels.cap'),
            render: (_: unknown, c) => (c.capMax === null ? '—' : t('marketing.channels.capShown', { max: c.capMax, days: c.capDays })),
          },
          {
            title: '',
            render: (_: unknown, c) => (
              <Space size={0} wrap>
                {manage && (
                  <Button type="link" onClick={() => setEditing({ channel: c })}>
                    {t('marketing.channels.edit')}
                  </Button>
                )}
                {manage && (
                  <Button type="link" onClick={() => setTesting(c)}>
                    {t('marketing.testSend')}
                  </Button>
                )}
                <Button type="link" onClick={() => setLetters(c)} data-testid="channel-dead-letters">
                  {t('marketing.channels.deadLetters')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <ChannelForm open={editing !== null} channel={editing?.channel} onClose={() => setEditing(null)} />
      <TestSendDialog channel={testing} onClose={() => setTesting(undefined)} />
      <DeadLetterDrawer channel={letters} onClose={() => setLetters(undefined)} />
    </Space>
  );
}
