// The marketing messages one person was sent (or held out of, or skipped for) by campaigns and journeys, shown on their
// profile page.
import { Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAuth } from '../../lib/auth.tsx';
import { useProfileMessages } from './marketing-queries.ts';
import { MessageSenderLink } from './message-sender.tsx';

function Messages({ profileId }: { profileId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const messages = useProfileMessages(profileId);
  return (
    <Card size="small" title={t('marketing.profileMessages')} data-testid="profile-messages">
      <Table
        size="small"
        rowKey="id"
        loading={messages.isLoading}
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        dataSource={messages.data?.data ?? []}
        columns={[
          { title: t('marketing.sentBy'), key: 'sender', render: (_: unknown, m) => <MessageSenderLink sender={m} /> },
          { title: t('marketing.channel'), dataIndex: 'channelKind' },
          { title: t('marketing.state'), dataIndex: 'status', render: (s: string, m) => <Tag>{m.skipReason ? `${s}: ${m.skipReason}` : s}</Tag> },
          { title: t('marketing.sentAt'), dataIndex: 'sentAt', render: (v: string | null) => (v ? formatDateTime(v, language) : '—') },
          {
            title: t('marketing.body'),
            dataIndex: 'body',
            render: (v: string | null) => (
              <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 240 }}>
                {v ?? ''}
              </Typography.Text>
            ),
          },
        ]}
      />
    </Card>
  );
}

/** The profile page's marketing section: nothing for those who may not read marketing. */
export function ProfileMessagesCard({ profileId }: { profileId: string }) {
  const { can } = useAuth();
  return can('marketing:read') ? <Messages profileId={profileId} /> : null;
}
