import { AimOutlined, BankOutlined, ClusterOutlined, EnvironmentOutlined, ShopOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgUnitKind } from '../../lib/api-types.ts';

const kindIcons: Record<OrgUnitKind, ReactNode> = {
  group: <BankOutlined />,
  business_unit: <ClusterOutlined />,
  region: <EnvironmentOutlined />,
  area: <AimOutlined />,
  store: <ShopOutlined />,
};

const kindColors: Record<OrgUnitKind, string> = {
  group: 'purple',
  business_unit: 'geekblue',
  region: 'cyan',
  area: 'gold',
  store: 'green',
};

/** The icon drawn for an org unit of this kind. */
export function OrgUnitKindIcon({ kind }: { kind: OrgUnitKind }) {
  return <>{kindIcons[kind]}</>;
}

/** An org unit's kind as a coloured tag with its icon. */
export function OrgUnitKindTag({ kind }: { kind: OrgUnitKind }) {
  const { t } = useTranslation();
  return (
    <Tag color={kindColors[kind]} icon={kindIcons[kind]}>
      {t(`org.kind.${kind}`)}
    </Tag>
  );
}
