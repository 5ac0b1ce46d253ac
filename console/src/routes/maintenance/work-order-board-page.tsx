// The work-order board: one column per state (one state at a time on a phone), newest cards first.
import { PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Link } from '@tanstack/react-router';
import { Badge, Button, Card, Empty, Flex, Segmented, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { StoreSelect } from '../devices/store-select.tsx';
import { useBoard } from './maintenance-queries.ts';
import type { WorkOrderCard, WorkOrderStatus } from './maintenance-types.ts';
import { WorkOrderCreateDialog } from './work-order-create-dialog.tsx';
import { PriorityTag } from './work-order-tags.tsx';

function Cardlet({ wo }: { wo: WorkOrderCard }) {
  const language = useLanguage();
  const { t } = useTranslation();
  return (
    <Link to="/maintenance/work-orders/$workOrderId" params={{ workOrderId: wo.id }} data-testid="wo-card" data-id={wo.id}>
      <Card size="small" hoverable style={{ marginBottom: 8 }}>
        <Flex justify="space-between" gap={8}>
          <Typography.Text strong ellipsis>
            {wo.title}
          </Typography.Text>
          <PriorityTag priority={wo.priority} />
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {wo.storeName}
          {wo.assetName ? ` · ${wo.assetName}` : ''}
        </Typography.Text>
        <Flex justify="space-between" style={{ fontSize: 12 }}>
          <span>{wo.assigneeName ?? wo.contractorName ?? '—'}</span>
          <span>
            {wo.escalationLevel > 0 && <WarningOutlined style={{ color: 'red', marginInlineEnd: 4 }} title={t('maintenance.field.escalated')} />}
            {formatDateTime(wo.dueAt ?? wo.resolutionDueAt, language)}
          </span>
        </Flex>
      </Card>
    </Link>
  );
}

/** The board page. */
export function WorkOrderBoardPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const isPhone = useIsPhone();
  const [storeId, setStoreId] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [phoneColumn, setPhoneColumn] = useState<WorkOrderStatus>('OPEN');
  const board = useBoard(storeId);
  const columns = board.data?.columns ?? [];
  const shown = isPhone ? columns.filter((c) => c.status === phoneColumn) : columns;

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="wo-board">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('maintenance.board')}
        </Typography.Title>
        <Space wrap>
          <StoreSelect value={storeId} onChange={setStoreId} placeholder={t('maintenance.allStores')} style={{ minWidth: 200 }} />
          {can('maintenance:write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="wo-new">
              {t('maintenance.newWorkOrder')}
            </Button>
          )}
        </Space>
      </Flex>
      {isPhone && (
        <Segmented
          block
          value={phoneColumn}
          onChange={(v) => setPhoneColumn(v as WorkOrderStatus)}
          options={columns.map((c) => ({ value: c.status, label: `${t(`maintenance.status.${c.status}`)} ${c.count}` }))}
        />
      )}
      {board.isPending ? (
        <Skeleton active />
      ) : (
        <Flex gap={12} align="flex-start" style={{ overflowX: 'auto' }}>
          {shown.map((col) => (
            <div key={col.status} style={{ flex: '1 0 220px', minWidth: isPhone ? '100%' : 220 }} data-testid={`wo-column-${col.status}`}>
              {!isPhone && (
                <Flex justify="space-between" style={{ marginBottom: 8 }}>
                  <Typography.Text strong>{t(`maintenance.status.${col.status}`)}</Typography.Text>
                  <Badge count={col.count} showZero color="#999" />
                </Flex>
              )}
              {col.items.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('maintenance.empty')} />
              ) : (
                col.items.map((wo) => <Cardlet key={wo.id} wo={wo} />)
              )}
            </div>
          ))}
        </Flex>
      )}
      <WorkOrderCreateDialog open={creating} storeId={storeId} onClose={() => setCreating(false)} />
    </Space>
  );
}
