// The org tree (group → business units → regions → stores) with the selected unit beside it.
import { getRouteApi } from '@tanstack/react-router';
import { Card, Col, Empty, Input, Row, Skeleton, Tree, type TreeDataNode, Typography } from 'antd';
import { type Key, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgUnit } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { buildOrgTree, type OrgTreeNode, orgUnitName, useOrgUnits } from '../../lib/org-units.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { OrgUnitDetails } from './org-unit-details.tsx';
import { OrgUnitKindIcon } from './org-unit-kind.tsx';

const routeApi = getRouteApi('/signed-in/org');

/** Keeps the nodes matching `filter` and their ancestors; all of them when it is empty. */
function filterTree(nodes: OrgTreeNode[], filter: string, language: 'zh-CN' | 'en'): OrgTreeNode[] {
  if (!filter) return nodes;
  const needle = filter.toLowerCase();
  return nodes.flatMap((node) => {
    const children = filterTree(node.children, filter, language);
    const text = `${orgUnitName(node.unit, language)} ${node.unit.name} ${node.unit.code}`.toLowerCase();
    return text.includes(needle) || children.length > 0 ? [{ ...node, children }] : [];
  });
}

/** The org tree screen. */
export function OrgPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const units = useOrgUnits();
  const { unit: selectedId } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const [filter, setFilter] = useState('');
  const details = useRef<HTMLDivElement>(null);

  const tree = useMemo(() => buildOrgTree(units.data ?? []), [units.data]);
  const treeData = useMemo(() => {
    const toNode = (node: OrgTreeNode): TreeDataNode => ({
      key: node.unit.id,
      title: (
        <span data-testid="org-tree-node" data-kind={node.unit.kind}>
          {orgUnitName(node.unit, language)}{' '}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {node.unit.code}
          </Typography.Text>
        </span>
      ),
      icon: <OrgUnitKindIcon kind={node.unit.kind} />,
      children: node.children.map(toNode),
    });
    return filterTree(tree, filter.trim(), language).map(toNode);
  }, [tree, filter, language]);

  const [expanded, setExpanded] = useState<Key[] | null>(null);
  // The top two levels (or the caller's own top units) and the selected unit's ancestors open by
  // default; below that the tree holds thousands of stores.
  const defaultExpanded = useMemo(() => {
    const all = units.data ?? [];
    const byId = new Map(all.map((unit) => [unit.id, unit]));
    const isRoot = (unit: OrgUnit) => !unit.parentId || !byId.has(unit.parentId);
    const keys = new Set(all.filter((unit) => unit.depth <= 1 || isRoot(unit)).map((unit) => unit.id));
    for (let at = byId.get(selectedId ?? ''); at?.parentId; at = byId.get(at.parentId)) {
      keys.add(at.parentId);
    }
    return [...keys];
  }, [units.data, selectedId]);
  const expandedKeys = filter.trim() ? (units.data ?? []).map((unit) => unit.id) : (expanded ?? defaultExpanded);
  const selected = units.data?.find((unit) => unit.id === selectedId);

  useEffect(() => {
    if (isPhone && selectedId) details.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [isPhone, selectedId]);

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={10} xl={8}>
        <Card title={t('org.title')} data-testid="org-tree">
          <Input.Search allowClear placeholder={t('org.filter')} onChange={(event) => setFilter(event.target.value)} style={{ marginBottom: 12 }} />
          {units.isPending ? (
            <Skeleton active />
          ) : treeData.length === 0 ? (
            <Empty />
          ) : (
            <Tree
              showIcon
              blockNode
              treeData={treeData}
              expandedKeys={expandedKeys}
              onExpand={(keys) => setExpanded(keys)}
              selectedKeys={selectedId ? [selectedId] : []}
              onSelect={(keys) => {
                const key = keys[0];
                void navigate({ search: { unit: typeof key === 'string' ? key : undefined } });
              }}
              height={isPhone ? undefined : 640}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} md={14} xl={16} ref={details}>
        {selected ? (
          <OrgUnitDetails unit={selected} units={units.data ?? []} />
        ) : (
          <Card>
            <Empty description={t('org.selectHint')} />
          </Card>
        )}
      </Col>
    </Row>
  );
}
