// Colours of work-order states and priorities, the same everywhere.
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AssetStatus, Priority, WorkOrderStatus } from './maintenance-types.ts';

const statusColors: Record<WorkOrderStatus, string> = {
  OPEN: 'blue',
  IN_PROGRESS: 'processing',
  ON_HOLD: 'warning',
  COMPLETE: 'success',
  CANCELLED: 'default',
};
const priorityColors: Record<Priority, string> = { low: 'default', medium: 'blue', high: 'orange', urgent: 'red' };
const assetColors: Record<AssetStatus, string> = { operational: 'success', down: 'error', standby: 'default' };

/** A work order's state. */
export function WorkOrderStatusTag({ status }: { status: WorkOrderStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColors[status]} data-testid="wo-status" data-status={status}>
      {t(`maintenance.status.${status}`)}
    </Tag>
  );
}

/** A work order's priority. */
export function PriorityTag({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return <Tag color={priorityColors[priority]}>{t(`maintenance.priority.${priority}`)}</Tag>;
}

/** An asset's status. */
export function AssetStatusTag({ status }: { status: AssetStatus }) {
  const { t } = useTranslation();
  return <Tag color={assetColors[status]}>{t(`maintenance.assetStatus.${status}`)}</Tag>;
}
