// The role/permission matrix from GET /roles: one row per permission, one column per role.
import { CheckOutlined } from '@ant-design/icons';
import { Card, Table, type TableColumnsType, Typography, theme } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { roleLabel, useRoles } from '../../lib/roles.ts';

interface PermissionRow {
  permission: string;
  roles: Set<string>;
}

/** The roles tab of the users screen. */
export function RolesMatrix() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const roles = useRoles();

  const rows = useMemo<PermissionRow[]>(() => {
    const byPermission = new Map<string, Set<string>>();
    for (const role of roles.data ?? []) {
      for (const permission of role.permissions) {
        const holders = byPermission.get(permission) ?? new Set<string>();
        holders.add(role.role);
        byPermission.set(permission, holders);
      }
    }
    return [...byPermission.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([permission, holders]) => ({ permission, roles: holders }));
  }, [roles.data]);

  const columns: TableColumnsType<PermissionRow> = [
    {
      key: 'permission',
      title: t('users.permission'),
      fixed: 'left',
      width: 170,
      render: (_value, row) => <Typography.Text code>{row.permission}</Typography.Text>,
    },
    ...(roles.data ?? []).map((role) => ({
      key: role.role,
      title: roleLabel(t, role.role),
      align: 'center' as const,
      width: 110,
      render: (_value: unknown, row: PermissionRow) =>
        row.roles.has(role.role) ? (
          <CheckOutlined style={{ color: token.colorSuccess }} aria-label={t('users.granted')} />
        ) : (
          <span style={{ color: token.colorTextQuaternary }}>·</span>
        ),
    })),
  ];

  return (
    <Card>
      <Table<PermissionRow>
        rowKey="permission"
        size="small"
        bordered
        columns={columns}
        dataSource={rows}
        loading={roles.isPending}
        pagination={false}
        scroll={{ x: 170 + 110 * (roles.data?.length ?? 0) }}
        data-testid="roles-matrix"
      />
    </Card>
  );
}
