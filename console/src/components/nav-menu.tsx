// The console's module menu, drawn in the side bar on desktop and in the drawer on phones.
import {
  AlertOutlined,
  ApartmentOutlined,
  ApiOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  CarryOutOutlined,
  CheckSquareOutlined,
  ClusterOutlined,
  ControlOutlined,
  DatabaseOutlined,
  FileSearchOutlined,
  FunctionOutlined,
  HddOutlined,
  HomeOutlined,
  InboxOutlined,
  KeyOutlined,
  LineChartOutlined,
  MessageOutlined,
  NodeIndexOutlined,
  NotificationOutlined,
  ProfileOutlined,
  SafetyOutlined,
  SendOutlined,
  ShopOutlined,
  TeamOutlined,
  ToolOutlined,
  UploadOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useLocation, useNavigate } from '@tanstack/react-router';
import { Menu, type MenuProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../lib/auth.tsx';
import type { Permission } from '../lib/permissions.ts';

interface NavEntry {
  path:
    | '/'
    | '/org'
    | '/stores'
    | '/stores/import'
    | '/devices'
    | '/alarms'
    | '/device-profiles'
    | '/customers/profiles'
    | '/customers/segments'
    | '/customers/traits'
    | '/customers/sources'
    | '/customers/privacy'
    | '/operations/board'
    | '/operations/approvals'
    | '/operations/templates'
    | '/operations/audits'
    | '/operations/reports'
    | '/maintenance/work-orders'
    | '/maintenance/assets'
    | '/maintenance/requests'
    | '/maintenance/pm'
    | '/maintenance/reports'
    | '/marketing/campaigns'
    | '/marketing/templates'
    | '/marketing/journeys'
    | '/marketing/channels'
    | '/users'
    | '/api-keys'
    | '/audit';
  label:
    | 'home'
    | 'org'
    | 'stores'
    | 'import'
    | 'devices'
    | 'alarms'
    | 'deviceProfiles'
    | 'customerProfiles'
    | 'segments'
    | 'computedTraits'
    | 'customerSources'
    | 'privacy'
    | 'todayBoard'
    | 'approvals'
    | 'taskTemplates'
    | 'storeAudits'
    | 'operationsReports'
    | 'workOrders'
    | 'assets'
    | 'maintenanceRequests'
    | 'pmCalendar'
    | 'maintenanceReports'
    | 'marketingCampaigns'
    | 'marketingTemplates'
    | 'marketingJourneys'
    | 'marketingChannels'
    | 'users'
    | 'apiKeys'
    | 'audit';
  icon: ReactNode;
  permission?: Permission;
}

const entries: NavEntry[] = [
  { path: '/', label: 'home', icon: <HomeOutlined /> },
  { path: '/org', label: 'org', icon: <ApartmentOutlined />, permission: 'org:read' },
  { path: '/stores', label: 'stores', icon: <ShopOutlined />, permission: 'stores:read' },
  { path: '/stores/import', label: 'import', icon: <UploadOutlined />, permission: 'stores:import' },
  { path: '/devices', label: 'devices', icon: <HddOutlined />, permission: 'devices:read' },
  { path: '/alarms', label: 'alarms', icon: <AlertOutlined />, permission: 'alarms:read' },
  { path: '/device-profiles', label: 'deviceProfiles', icon: <ControlOutlined />, permission: 'devices:read' },
  { path: '/customers/profiles', label: 'customerProfiles', icon: <UserOutlined />, permission: 'customers:read' },
  { path: '/customers/segments', label: 'segments', icon: <ClusterOutlined />, permission: 'customers:read' },
  { path: '/customers/traits', label: 'computedTraits', icon: <FunctionOutlined />, permission: 'customers:read' },
  { path: '/customers/sources', label: 'customerSources', icon: <ApiOutlined />, permission: 'sources:manage' },
  { path: '/customers/privacy', label: 'privacy', icon: <SafetyOutlined />, permission: 'customers:privacy' },
  { path: '/operations/board', label: 'todayBoard', icon: <CarryOutOutlined />, permission: 'tasks:execute' },
  { path: '/operations/approvals', label: 'approvals', icon: <CheckSquareOutlined />, permission: 'tasks:approve' },
  { path: '/operations/templates', label: 'taskTemplates', icon: <ProfileOutlined />, permission: 'tasks:manage' },
  { path: '/operations/audits', label: 'storeAudits', icon: <FileSearchOutlined />, permission: 'audits:read' },
  { path: '/operations/reports', label: 'operationsReports', icon: <BarChartOutlined />, permission: 'tasks:read' },
  { path: '/maintenance/work-orders', label: 'workOrders', icon: <ToolOutlined />, permission: 'maintenance:read' },
  { path: '/maintenance/assets', label: 'assets', icon: <DatabaseOutlined />, permission: 'maintenance:read' },
  { path: '/maintenance/requests', label: 'maintenanceRequests', icon: <InboxOutlined />, permission: 'maintenance:approve' },
  { path: '/maintenance/pm', label: 'pmCalendar', icon: <CalendarOutlined />, permission: 'maintenance:read' },
  { path: '/maintenance/reports', label: 'maintenanceReports', icon: <LineChartOutlined />, permission: 'maintenance:read' },
  { path: '/marketing/campaigns', label: 'marketingCampaigns', icon: <NotificationOutlined />, permission: 'marketing:read' },
  { path: '/marketing/templates', label: 'marketingTemplates', icon: <MessageOutlined />, permission: 'marketing:read' },
  { path: '/marketing/journeys', label: 'marketingJourneys', icon: <NodeIndexOutlined />, permission: 'marketing:read' },
  { path: '/marketing/channels', label: 'marketingChannels', icon: <SendOutlined />, permission: 'marketing:read' },
  { path: '/users', label: 'users', icon: <TeamOutlined />, permission: 'users:read' },
  { path: '/api-keys', label: 'apiKeys', icon: <KeyOutlined />, permission: 'apikeys:manage' },
  { path: '/audit', label: 'audit', icon: <AuditOutlined />, permission: 'audit:read' },
];

/** The entry a path belongs to: the longest menu path that prefixes it. */
function selectedPath(pathname: string): string {
  const matches = entries.map((entry) => entry.path).filter((path) => (path === '/' ? pathname === '/' : pathname === path || pathname.startsWith(`${path}/`)));
  // a store's own page (/stores/str_…) lands on the store list, the import page on its own entry
  return matches.sort((a, b) => b.length - a.length)[0] ?? '/';
}

/** The menu of modules the signed-in user may use. */
export function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { pathname } = useLocation();

  const items: MenuProps['items'] = entries
    .filter((entry) => !entry.permission || can(entry.permission))
    .map((entry) => ({
      key: entry.path,
      icon: entry.icon,
      label: <span data-testid={`nav-${entry.label}`}>{t(`nav.${entry.label}`)}</span>,
    }));

  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={[selectedPath(pathname)]}
      onClick={({ key }) => {
        void navigate({ to: key });
        onNavigate?.();
      }}
      style={{ borderInlineEnd: 'none' }}
    />
  );
}
