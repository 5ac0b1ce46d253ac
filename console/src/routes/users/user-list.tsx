// The user list: a table on desktop, cards on phones; grants and enable/disable per user.
import { Button, Card, Flex, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { User } from '../../lib/api-types.ts';
import { useAuth, useSession } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { roleLabel } from '../../lib/roles.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { UserGrantsDialog } from './user-grants-dialog.tsx';
import { useUserList, useUserMutation } from './user-queries.ts';

function GrantTags({ user }: { user: User }) {
  const { t } = useTranslation();
  return (
    <Space wrap size={[4, 4]}>
      {user.grants.map((grant) => (
        <Tag key={grant.id} color="blue" style={{ whiteSpace: 'normal', marginInlineEnd: 0 }}>
          {roleLabel(t, grant.role)} · {grant.orgUnitName}
        </Tag>
      ))}
    </Space>
  );
}

function UserActions({ user, onGrants }: { user: User; onGrants: () => void }) {
  const { t } = useTranslation();
  const session = useSession();
  const setStatus = useUserMutation((status: User['status']) => api.patch<User>(`/users/${user.id}`, { status }));
  const disabling = user.status === 'active';
  return (
    <Space size={4} wrap>
      <Button size="small" onClick={onGrants} data-testid="user-grants">
        {t('users.grants')}
      </Button>
      {user.id !== session.user.id && (
        <Popconfirm
          title={disabling ? t('users.disableConfirm', { name: user.name }) : t('users.enableConfirm', { name: user.name })}
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: disabling }}
          onConfirm={
            () =>
              setStatus
                .mutateAsync(disabling ? 'disabled' : 'active')
                .then(() => showSuccess(t('common.saved')))
                .catch(() => undefined) // already shown by the query cache
          }
        >
          <Button size="small" danger={disabling} data-testid="user-toggle-status">
            {disabling ? t('users.disable') : t('users.enable')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}

function StatusTag({ user }: { user: User }) {
  const { t } = useTranslation();
  const active = user.status === 'active';
  return <Tag color={active ? 'green' : 'default'}>{active ? t('users.status.active') : t('users.status.disabled')}</Tag>;
}

/** The users matching `q`, with "load more". */
export function UserList({ q }: { q: string | undefined }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const { can } = useAuth();
  const list = useUserList(q);
  const [grantsOf, setGrantsOf] = useState<string | null>(null);
  const users = list.data?.pages.flatMap((page) => page.data) ?? [];
  const canWrite = can('users:write');

  const columns: TableColumnsType<User> = [
    {
      key: 'name',
      title: t('users.name'),
      render: (_value, user) => (
        <div>
          <div>{user.name}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {user.email}
          </Typography.Text>
        </div>
      ),
    },
    { key: 'status', title: t('users.statusLabel'), width: 100, render: (_value, user) => <StatusTag user={user} /> },
    { key: 'grants', title: t('users.grants'), render: (_value, user) => <GrantTags user={user} /> },
    {
      key: 'lastSignInAt',
      title: t('users.lastSignIn'),
      width: 160,
      render: (_value, user) => formatDateTime(user.lastSignInAt, language),
    },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 180,
            render: (_value: unknown, user: User) => <UserActions user={user} onGrants={() => setGrantsOf(user.id)} />,
          },
        ]
      : []),
  ];

  return (
    <>
      {isPhone ? (
        <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
          {users.map((user) => (
            <Card key={user.id} size="small" data-testid="user-card" styles={{ body: { padding: 12 } }}>
              <Flex justify="space-between" gap={8}>
                <Typography.Text strong ellipsis>
                  {user.name}
                </Typography.Text>
                <StatusTag user={user} />
              </Flex>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {user.email}
              </Typography.Text>
              <div style={{ margin: '6px 0' }}>
                <GrantTags user={user} />
              </div>
              {canWrite && <UserActions user={user} onGrants={() => setGrantsOf(user.id)} />}
            </Card>
          ))}
        </Space>
      ) : (
        <Table<User>
          rowKey="id"
          columns={columns}
          dataSource={users}
          loading={list.isPending}
          pagination={false}
          scroll={{ x: 800 }}
          data-testid="user-table"
        />
      )}
      {list.hasNextPage && (
        <Button block style={{ marginTop: 12 }} onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('common.loadMore')}
        </Button>
      )}
      {grantsOf && <UserGrantsDialog user={users.find((user) => user.id === grantsOf) ?? null} onClose={() => setGrantsOf(null)} />}
    </>
  );
}
