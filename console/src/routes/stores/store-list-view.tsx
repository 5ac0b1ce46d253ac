// The loaded stores as a table on desktop and as cards on phones.
import { Link, useNavigate } from '@tanstack/react-router';
import { Card, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { StoreStatusTag } from '../../components/store-status-tag.tsx';
import type { Store } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { storeName, useParentName } from './store-names.ts';

function formatArea(area: number | null): string {
  return area === null ? '—' : `${area.toLocaleString()} m²`;
}

function StoreCards({ stores }: { stores: Store[] }) {
  const { t } = useTranslation();
  const parentName = useParentName();
  const language = useLanguage();
  const navigate = useNavigate();
  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      {stores.map((store) => (
        <Card
          key={store.id}
          size="small"
          hoverable
          data-testid="store-card"
          onClick={() => void navigate({ to: '/stores/$storeId', params: { storeId: store.id } })}
        >
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
            <Typography.Text strong ellipsis data-testid="store-name">
              {storeName(store, language)}
            </Typography.Text>
            <StoreStatusTag status={store.status} />
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            <span data-testid="store-row-code">{store.code}</span> · {t(`store.format.${store.format}`)} · {store.city} · {parentName(store)}
          </Typography.Text>
        </Card>
      ))}
    </Space>
  );
}

function StoreTable({ stores, loading }: { stores: Store[]; loading: boolean }) {
  const { t } = useTranslation();
  const parentName = useParentName();
  const language = useLanguage();
  const navigate = useNavigate();
  const columns: TableColumnsType<Store> = [
    {
      key: 'code',
      title: t('store.code'),
      dataIndex: 'code',
      width: 110,
      render: (code: string) => <span data-testid="store-row-code">{code}</span>,
    },
    {
      key: 'name',
      title: t('store.name'),
      render: (_value, store) => (
        <Link to="/stores/$storeId" params={{ storeId: store.id }} data-testid="store-name">
          {storeName(store, language)}
        </Link>
      ),
    },
    {
      key: 'status',
      title: t('store.statusLabel'),
      dataIndex: 'status',
      width: 120,
      render: (_value, store) => <StoreStatusTag status={store.status} />,
    },
    {
      key: 'format',
      title: t('store.formatLabel'),
      width: 110,
      render: (_value, store) => t(`store.format.${store.format}`),
    },
    { key: 'city', title: t('store.city'), dataIndex: 'city', width: 110 },
    { key: 'region', title: t('store.region'), render: (_value, store) => parentName(store) },
    {
      key: 'floorArea',
      title: t('store.floorArea'),
      align: 'right',
      width: 120,
      render: (_value, store) => formatArea(store.floorArea),
    },
  ];
  return (
    <Table<Store>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={stores}
      loading={loading}
      pagination={false}
      scroll={{ x: 860 }}
      locale={{ emptyText: t('stores.empty') }}
      onRow={(store) => ({
        style: { cursor: 'pointer' },
        onClick: (event) => {
          // a click on the name link navigates by itself
          if ((event.target as HTMLElement).closest('a')) return;
          void navigate({ to: '/stores/$storeId', params: { storeId: store.id } });
        },
      })}
      data-testid="store-table"
    />
  );
}

/** The stores loaded so far, drawn for the viewport. */
export function StoreListView({ stores, loading }: { stores: Store[]; loading: boolean }) {
  const isPhone = useIsPhone();
  return isPhone ? <StoreCards stores={stores} /> : <StoreTable stores={stores} loading={loading} />;
}
