// One org unit: its facts, its children, its stores, and (for org:write) add-child, rename and move.
import { DragOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Button, Card, Descriptions, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { StoreStatusTag } from '../../components/store-status-tag.tsx';
import { StoreSummaryChart } from '../../components/store-summary-chart.tsx';
import { api } from '../../lib/api-client.ts';
import type { OrgUnit, Page, Store } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { useLanguage } from '../../lib/i18n.ts';
import { orgUnitName } from '../../lib/org-units.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { storeName } from '../stores/store-names.ts';
import { OrgUnitDialog, type OrgUnitDialogMode } from './org-unit-dialog.tsx';
import { OrgUnitKindTag } from './org-unit-kind.tsx';
import { OrgUnitMoveDialog } from './org-unit-move-dialog.tsx';

const storePreviewSize = 8;

function UnitStores({ unit }: { unit: OrgUnit }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const stores = useQuery({
    queryKey: ['stores', 'list', { orgUnitId: unit.id, limit: storePreviewSize }],
    queryFn: () => api.get<Page<Store>>('/stores', { orgUnitId: unit.id, limit: storePreviewSize }),
  });
  return (
    <Card
      title={unit.kind === 'store' ? t('org.theStore') : t('org.stores')}
      extra={
        unit.kind !== 'store' && (
          <Link to="/stores" search={{ orgUnitId: unit.id }} data-testid="org-unit-stores-link">
            {t('org.allStores')}
          </Link>
        )
      }
    >
      <ItemList
        loading={stores.isPending}
        items={stores.data?.data ?? []}
        rowKey={(store) => store.id}
        emptyText={t('stores.empty')}
        renderItem={(store) => (
          <Link to="/stores/$storeId" params={{ storeId: store.id }}>
            {store.code} · {storeName(store, language)}
          </Link>
        )}
        renderExtra={(store) => <StoreStatusTag status={store.status} />}
      />
    </Card>
  );
}

/** The details panel of the selected org unit. */
export function OrgUnitDetails({ unit, units }: { unit: OrgUnit; units: readonly OrgUnit[] }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const [dialog, setDialog] = useState<OrgUnitDialogMode | null>(null);
  const [moving, setMoving] = useState(false);
  const parent = units.find((candidate) => candidate.id === unit.parentId);
  const children = units.filter((candidate) => candidate.parentId === unit.id);
  const canWrite = can('org:write');
  const isPhone = useIsPhone();
  // on a phone the buttons go below the facts: beside the title they squeeze it to a few letters
  const actions = canWrite && (
    <Space wrap>
      {unit.kind !== 'store' && (
        <Button icon={<PlusOutlined />} onClick={() => setDialog('create')} data-testid="org-add-child">
          {t('org.addChild')}
        </Button>
      )}
      <Button icon={<EditOutlined />} onClick={() => setDialog('rename')} data-testid="org-rename">
        {t('org.rename')}
      </Button>
      {unit.parentId && (
        <Button icon={<DragOutlined />} onClick={() => setMoving(true)} data-testid="org-move">
          {t('org.move')}
        </Button>
      )}
    </Space>
  );

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="org-unit-details">
      <Card
        title={
          <Space wrap>
            <span data-testid="org-unit-name">{orgUnitName(unit, language)}</span>
            <OrgUnitKindTag kind={unit.kind} />
          </Space>
        }
        extra={!isPhone && actions}
      >
        <Descriptions column={{ xs: 1, sm: 2 }} size="small">
          <Descriptions.Item label={t('org.code')}>{unit.code}</Descriptions.Item>
          <Descriptions.Item label={t('org.name')}>{unit.name}</Descriptions.Item>
          <Descriptions.Item label={t('org.nameEn')}>{unit.nameEn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('org.parent')}>
            {parent ? (
              <Link to="/org" search={{ unit: parent.id }}>
                {orgUnitName(parent, language)}
              </Link>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('org.childCount')}>{children.length}</Descriptions.Item>
        </Descriptions>
        {isPhone && actions && <div style={{ marginTop: 12 }}>{actions}</div>}
        {children.length > 0 && unit.kind !== 'region' && (
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
            <Space wrap size={[8, 4]}>
              {children.map((child) => (
                <Link key={child.id} to="/org" search={{ unit: child.id }}>
                  {orgUnitName(child, language)}
                </Link>
              ))}
            </Space>
          </Typography.Paragraph>
        )}
      </Card>
      {unit.kind !== 'store' && <StoreSummaryChart filters={{ orgUnitId: unit.id }} />}
      <UnitStores unit={unit} />
      {dialog && <OrgUnitDialog mode={dialog} unit={unit} onClose={() => setDialog(null)} />}
      {moving && <OrgUnitMoveDialog unit={unit} units={units} onClose={() => setMoving(false)} />}
    </Space>
  );
}
