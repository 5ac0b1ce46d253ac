import { LockOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useNavigate } from '@tanstack/react-router';
import { Avatar, Button, Dropdown, type MenuProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth, useSession } from '../lib/auth.tsx';
import { useIsPhone } from '../lib/use-is-phone.ts';
import { PasswordDialog } from './password-dialog.tsx';

/** The header's user menu: who is signed in, change password, sign out. */
export function UserMenu() {
  const { t } = useTranslation();
  const session = useSession();
  const { signOut } = useAuth();
  const isPhone = useIsPhone();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const navigate = useNavigate();

  const items: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div>
          <div>{session.user.name}</div>
          <div style={{ fontSize: 12 }}>{session.user.email}</div>
          <div style={{ fontSize: 12 }}>{session.user.tenantName}</div>
        </div>
      ),
    },
    { type: 'divider' },
    {
      key: 'password',
      icon: <LockOutlined />,
      label: <span data-testid="menu-change-password">{t('password.title')}</span>,
    },
    {
      key: 'sign-out',
      icon: <LogoutOutlined />,
      danger: true,
      label: <span data-testid="menu-sign-out">{t('auth.signOut')}</span>,
    },
  ];

  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'password') setPasswordOpen(true);
    if (key === 'sign-out') void signOut().finally(() => navigate({ to: '/sign-in' }));
  };

  return (
    <>
      <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight">
        <Button type="text" data-testid="user-menu" aria-label={t('auth.userMenu')}>
          <Avatar size="small" icon={<UserOutlined />} />
          {!isPhone && <span>{session.user.name}</span>}
        </Button>
      </Dropdown>
      <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
