// One asset: details, status with downtime, open work orders, and its printable QR code.
import { PrinterOutlined } from '@ant-design/icons';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Button, Card, Col, Descriptions, Dropdown, Flex, List, Row, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiUrl } from '../../lib/api-client.ts';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useAsset, useAssetActions } from './maintenance-queries.ts';
import { assetStatuses, isKnownCategory } from './maintenance-types.ts';
import { WorkOrderCreateDialog } from './work-order-create-dialog.tsx';
import { AssetStatusTag, WorkOrderStatusTag } from './work-order-tags.tsx';

const routeApi = getRouteApi('/signed-in/maintenance/assets/$assetId');

/** The asset page. */
export function AssetPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const { assetId } = routeApi.useParams();
  const asset = useAsset(assetId).data;
  const { setStatus } = useAssetActions();
  const [creating, setCreating] = useState(false);
  if (!asset) return <Skeleton active />;
  const qr = apiUrl(`/assets/${asset.id}/qr`, { format: 'svg' });
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="asset-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {asset.name}
          </Typography.Title>
          <AssetStatusTag status={asset.status} />
        </Space>
        <Space wrap>
          {can('maintenance:work') && (
            <Dropdown
              menu={{
                items: assetStatuses.filter((s) => s !== asset.status).map((s) => ({ key: s, label: t(`maintenance.assetStatus.${s}`) })),
                onClick: ({ key }) => setStatus.mutate({ id: asset.id, status: key }, { onError: showError }),
              }}
            >
              <Button>{t('maintenance.markAs')}</Button>
            </Dropdown>
          )}
          {can('maintenance:write') && (
            <Button type="primary" onClick={() => setCreating(true)}>
              {t('maintenance.newWorkOrder')}
            </Button>
          )}
        </Space>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={16}>
          <Card size="small">
            <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('maintenance.field.store')}>{asset.storeName}</Descriptions.Item>
              <Descriptions.Item label={t('maintenance.field.category')}>
                {isKnownCategory(asset.category) ? t(`maintenance.category.${asset.category}`) : asset.category}
              </Descriptions.Item>
              <Descriptions.Item label={t('maintenance.field.make')}>{asset.make ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('maintenance.field.model')}>{asset.model ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('maintenance.field.serial')}>{asset.serial ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('maintenance.field.installedOn')}>{asset.installedOn ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('maintenance.field.warrantyEnd')}>{asset.warrantyEnd ?? '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card
            size="small"
            title={t('maintenance.qrCode')}
            extra={
              <Button icon={<PrinterOutlined />} onClick={() => window.print()}>
                {t('maintenance.print')}
              </Button>
            }
          >
            <div style={{ textAlign: 'center' }} data-testid="asset-qr">
              <img src={qr} alt={t('maintenance.qrCode')} style={{ width: 200, height: 200 }} />
              <Typography.Paragraph strong style={{ margin: 0 }}>
                {asset.name} · {asset.storeName}
              </Typography.Paragraph>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('maintenance.qrHint')}
              </Typography.Text>
            </div>
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('maintenance.openWorkOrders')}>
        <List
          dataSource={asset.openWorkOrders}
          locale={{ emptyText: t('maintenance.empty') }}
          renderItem={(wo) => (
            <List.Item extra={<WorkOrderStatusTag status={wo.status} />}>
              <Link to="/maintenance/work-orders/$workOrderId" params={{ workOrderId: wo.id }}>
                {wo.title}
              </Link>
            </List.Item>
          )}
        />
      </Card>
      <Card size="small" title={t('maintenance.downtime')}>
        <List
          dataSource={asset.downtime}
          locale={{ emptyText: t('maintenance.empty') }}
          renderItem={(d) => (
            <List.Item>
              {formatDateTime(d.startedAt, language)} → {formatDateTime(d.endedAt, language)} · {d.reason}
            </List.Item>
          )}
        />
      </Card>
      <WorkOrderCreateDialog open={creating} storeId={asset.storeId} assetId={asset.id} onClose={() => setCreating(false)} />
    </Space>
  );
}
