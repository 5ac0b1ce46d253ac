// A TreeSelect over the caller's visible org units, searchable by name or code.
import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import type { OrgUnitKind } from '../lib/api-types.ts';
import { useLanguage } from '../lib/i18n.ts';
import { buildOrgTree, type OrgTreeNode, orgUnitName, useOrgUnits } from '../lib/org-units.ts';

interface OrgUnitOption {
  value: string;
  title: string;
  searchText: string;
  disabled?: boolean;
  children: OrgUnitOption[];
}

interface OrgUnitSelectProps {
  value?: string | null;
  onChange?: (value: string | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  /** Units of these kinds are shown but cannot be picked (e.g. stores as a store's parent). */
  disabledKinds?: readonly OrgUnitKind[];
  /** Leave out store units altogether (they make a 4,000-leaf tree). */
  hideStores?: boolean;
  testId?: string;
  style?: React.CSSProperties;
}

/** Picks one org unit from the visible tree. */
export function OrgUnitSelect({ value, onChange, placeholder, allowClear = true, disabledKinds = [], hideStores = false, testId, style }: OrgUnitSelectProps) {
  const language = useLanguage();
  const units = useOrgUnits();

  const treeData = useMemo(() => {
    const toOption = (node: OrgTreeNode): OrgUnitOption => {
      const title = `${orgUnitName(node.unit, language)} (${node.unit.code})`;
      return {
        value: node.unit.id,
        title,
        searchText: `${title} ${node.unit.name} ${node.unit.nameEn ?? ''}`,
        disabled: disabledKinds.includes(node.unit.kind),
        children: node.children.filter((child) => !hideStores || child.unit.kind !== 'store').map(toOption),
      };
    };
    return buildOrgTree(units.data ?? []).map(toOption);
  }, [units.data, language, disabledKinds, hideStores]);

  return (
    <TreeSelect<string>
      data-testid={testId}
      style={{ width: '100%', ...style }}
      value={value ?? undefined}
      onChange={(next) => onChange?.(next ?? undefined)}
      treeData={treeData}
      loading={units.isLoading}
      placeholder={placeholder}
      allowClear={allowClear}
      showSearch={{ treeNodeFilterProp: 'searchText' }}
      treeDefaultExpandedKeys={treeData.map((option) => option.value)}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxWidth: 'calc(100vw - 16px)' } } }}
    />
  );
}
