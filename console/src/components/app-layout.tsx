// The signed-in console's frame: side menu on desktop, a drawer behind a hamburger on phones,
// and a header with the language switch and the user menu.
import { MenuOutlined } from '@ant-design/icons';
import { Outlet } from '@tanstack/react-router';
import { Button, Drawer, Layout, Spin, theme } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../lib/auth.tsx';
import { useIsPhone } from '../lib/use-is-phone.ts';
import { InboxBell } from './inbox-bell.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { NavMenu } from './nav-menu.tsx';
import { UserMenu } from './user-menu.tsx';

function Brand({ collapsed = false }: { collapsed?: boolean }) {
  return (
    <div
      style={{
        height: 56,
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: collapsed ? '0 24px' : '0 20px',
        fontWeight: 600,
        fontSize: 17,
        whiteSpace: 'nowrap',
      }}
    >
      <img src="/favicon.svg" alt="" width={24} height={24} />
      {!collapsed && <span>StoreOS</span>}
    </div>
  );
}

/** The layout of every signed-in page; sends a signed-out visitor to sign-in. */
export function AppLayout() {
  const { t } = useTranslation();
  const { session } = useAuth();
  const isPhone = useIsPhone();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();

  // The route guard only lets a session in; it is gone here just while a sign-out or a 401
  // is on its way to the sign-in page.
  if (!session) {
    return (
      <div style={{ display: 'grid', placeItems: 'center', height: '100vh' }}>
        <Spin size="large" />
      </div>
    );
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!isPhone && (
        <Layout.Sider
          theme="light"
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="lg"
          width={220}
          style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}
          data-testid="side-menu"
        >
          <Brand collapsed={collapsed} />
          <NavMenu />
        </Layout.Sider>
      )}
      {isPhone && (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          title={<Brand />}
          styles={{ body: { padding: 0 }, header: { padding: 0 } }}
          data-testid="nav-drawer"
        >
          <NavMenu onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
      )}
      <Layout>
        <Layout.Header
          style={{
            background: token.colorBgContainer,
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            padding: isPhone ? '0 8px' : '0 24px',
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            height: 56,
            lineHeight: '56px',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          {isPhone && (
            <>
              <Button type="text" icon={<MenuOutlined />} aria-label={t('nav.openMenu')} data-testid="nav-hamburger" onClick={() => setDrawerOpen(true)} />
              <span style={{ fontWeight: 600 }}>StoreOS</span>
            </>
          )}
          <div style={{ flex: 1 }} />
          <InboxBell />
          <LanguageSwitch />
          <UserMenu />
        </Layout.Header>
        <Layout.Content style={{ padding: isPhone ? 8 : 24, minWidth: 0 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
