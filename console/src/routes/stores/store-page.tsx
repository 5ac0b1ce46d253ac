// One store: header with lifecycle actions, details, weekly and special hours, zones.
import { EnvironmentOutlined } from '@ant-design/icons';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Badge, Breadcrumb, Card, Col, Flex, Result, Row, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { StoreStatusTag } from '../../components/store-status-tag.tsx';
import { ApiError } from '../../lib/api-client.ts';
import type { StoreDetail } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { useLanguage } from '../../lib/i18n.ts';
import { StoreAlarmsCard } from '../alarms/store-alarms-card.tsx';
import { StoreDevicesCard } from '../devices/store-devices-card.tsx';
import { SpecialHoursCard } from './special-hours-card.tsx';
import { StoreDetailsCard } from './store-details-card.tsx';
import { StoreLifecycleActions } from './store-lifecycle-actions.tsx';
import { storeName, useParentName } from './store-names.ts';
import { useStore } from './store-queries.ts';
import { WeeklyHoursCard } from './weekly-hours-card.tsx';
import { ZonesCard } from './zones-card.tsx';

const routeApi = getRouteApi('/signed-in/stores/$storeId');

/** A link to the store's coordinates on OpenStreetMap (a link only: no map tiles in the console). */
function mapUrl(store: StoreDetail): string | null {
  if (store.latitude === null || store.longitude === null) return null;
  const { latitude: lat, longitude: lon } = store;
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;
}

function StoreHeader({ store }: { store: StoreDetail }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const map = mapUrl(store);
  return (
    <Card data-testid="store-header">
      <Flex justify="space-between" align="flex-start" wrap gap={12}>
        <div style={{ minWidth: 0 }}>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="store-title">
            {storeName(store, language)}
          </Typography.Title>
          <Space wrap size={[8, 4]} style={{ marginTop: 8 }}>
            <Typography.Text code data-testid="store-code">
              {store.code}
            </Typography.Text>
            <StoreStatusTag status={store.status} />
            <Badge
              status={store.openNow ? 'success' : 'default'}
              text={store.openNow ? t('store.openNow') : t('store.closedNow')}
              data-testid="store-open-now"
              data-open={store.openNow}
            />
            {map && (
              <Typography.Link href={map} target="_blank" rel="noopener noreferrer">
                <EnvironmentOutlined /> {t('store.map')}
              </Typography.Link>
            )}
          </Space>
        </div>
        {can('stores:lifecycle') && <StoreLifecycleActions store={store} />}
      </Flex>
    </Card>
  );
}

/** The store screen. */
export function StorePage() {
  const { t } = useTranslation();
  const { storeId } = routeApi.useParams();
  const store = useStore(storeId);
  const parentName = useParentName();
  const { can } = useAuth();

  if (store.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (store.isError) {
    const notFound = store.error instanceof ApiError && store.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('store.notFound') : t('errors.loadFailed')}
        extra={<Link to="/stores">{t('nav.stores')}</Link>}
      />
    );
  }

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="store-page">
      <Breadcrumb
        items={[
          { title: <Link to="/stores">{t('nav.stores')}</Link> },
          {
            title: (
              <Link to="/stores" search={{ orgUnitId: store.data.parentOrgUnitId }}>
                {parentName(store.data)}
              </Link>
            ),
          },
          { title: store.data.code },
        ]}
      />
      <StoreHeader store={store.data} />
      <Row gutter={[16, 16]}>
        {can('devices:read') && (
          <Col xs={24} xl={can('alarms:read') ? 14 : 24}>
            <StoreDevicesCard storeId={store.data.id} />
          </Col>
        )}
        {can('alarms:read') && (
          <Col xs={24} xl={can('devices:read') ? 10 : 24}>
            <StoreAlarmsCard storeId={store.data.id} />
          </Col>
        )}
        <Col xs={24} xl={12}>
          <StoreDetailsCard store={store.data} />
        </Col>
        <Col xs={24} xl={12}>
          <WeeklyHoursCard store={store.data} />
        </Col>
        <Col xs={24} xl={12}>
          <SpecialHoursCard store={store.data} />
        </Col>
        <Col xs={24} xl={12}>
          <ZonesCard store={store.data} />
        </Col>
      </Row>
    </Space>
  );
}
