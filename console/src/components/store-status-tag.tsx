import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { StoreStatus } from '../lib/api-types.ts';

/** The colour each lifecycle state is drawn in, in tags and charts alike. */
export const storeStatusColors: Record<StoreStatus, string> = {
  planned: '#8c8c8c',
  opening: '#1677ff',
  open: '#52c41a',
  temporarily_closed: '#fa8c16',
  closed: '#f5222d',
};

const tagColors: Record<StoreStatus, string> = {
  planned: 'default',
  opening: 'processing',
  open: 'success',
  temporarily_closed: 'warning',
  closed: 'error',
};

/** A store's lifecycle state as a coloured tag. */
export function StoreStatusTag({ status }: { status: StoreStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={tagColors[status]} data-testid="store-status-tag" data-status={status}>
      {t(`store.status.${status}`)}
    </Tag>
  );
}
