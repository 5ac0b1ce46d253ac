// The store list: filters in the address, a summary chart, and pages loaded on demand.
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Button, Card, Empty, Flex, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StoreSummaryChart } from '../../components/store-summary-chart.tsx';
import { useAuth } from '../../lib/auth.tsx';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { StoreCreateDialog } from './store-create-dialog.tsx';
import { StoreFilters } from './store-filters.tsx';
import { StoreListView } from './store-list-view.tsx';
import { useStoreList } from './store-queries.ts';

const routeApi = getRouteApi('/signed-in/stores');

/** The store list screen. */
export function StoreListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const isPhone = useIsPhone();
  const filters = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const list = useStoreList(filters);
  const stores = list.data?.pages.flatMap((page) => page.data) ?? [];
  const [creating, setCreating] = useState(false);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('stores.title')}
        </Typography.Title>
        <Space wrap>
          {can('stores:import') && (
            <Link to="/stores/import">
              <Button icon={<UploadOutlined />}>{t('import.title')}</Button>
            </Link>
          )}
          {can('stores:create') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="store-create">
              {t('storeCreate.title')}
            </Button>
          )}
        </Space>
      </Flex>
      <StoreSummaryChart filters={filters} />
      <Card>
        <StoreFilters value={filters} onChange={(next) => void navigate({ search: next, replace: true })} />
      </Card>
      <Card styles={{ body: isPhone ? { padding: 8 } : undefined }}>
        {list.isPending && isPhone ? (
          <Skeleton active />
        ) : list.isError ? (
          <Empty description={t('errors.loadFailed')} />
        ) : stores.length === 0 && isPhone ? (
          <Empty description={t('stores.empty')} />
        ) : (
          <StoreListView stores={stores} loading={list.isFetching && !list.isFetchingNextPage} />
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 12 }} wrap gap={8}>
          <Typography.Text type="secondary" data-testid="store-count" data-count={stores.length} data-loading={list.isFetching}>
            {t('stores.loaded', { count: stores.length })}
          </Typography.Text>
          {list.hasNextPage && (
            <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="store-load-more">
              {t('common.loadMore')}
            </Button>
          )}
        </Flex>
      </Card>
      {creating && <StoreCreateDialog parentOrgUnitId={filters.orgUnitId} onClose={() => setCreating(false)} />}
    </Space>
  );
}
