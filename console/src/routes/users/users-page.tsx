// Users and roles: the user list with search and actions, and the role/permission matrix.
import { PlusOutlined } from '@ant-design/icons';
import { getRouteApi } from '@tanstack/react-router';
import { Button, Card, Flex, Input, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { RolesMatrix } from './roles-matrix.tsx';
import { UserCreateDialog } from './user-create-dialog.tsx';
import { UserList } from './user-list.tsx';

const routeApi = getRouteApi('/signed-in/users');

/** The users screen. */
export function UsersPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { q, tab = 'users' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const [creating, setCreating] = useState(false);

  const users = (
    <Card>
      <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          defaultValue={q}
          placeholder={t('users.search')}
          onSearch={(value) => void navigate({ search: (prev) => ({ ...prev, q: value.trim() || undefined }), replace: true })}
          style={{ maxWidth: 360 }}
          data-testid="user-search"
        />
        {can('users:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="user-create">
            {t('users.create')}
          </Button>
        )}
      </Flex>
      <UserList q={q} />
    </Card>
  );

  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('users.title')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate({ search: (prev) => ({ ...prev, tab: key === 'roles' ? 'roles' : undefined }) })}
        items={[
          { key: 'users', label: t('users.tabUsers'), children: users },
          { key: 'roles', label: t('users.tabRoles'), children: <RolesMatrix /> },
        ]}
      />
      {creating && <UserCreateDialog onClose={() => setCreating(false)} />}
    </>
  );
}
