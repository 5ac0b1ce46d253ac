// Messages the server dropped for a device, per reason (bad JSON, wrong shape, too large, flood…).
import { Card, Empty, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { type DeviceDetail, type DropReason, dropReasons } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { formatAgo, formatTimestamp } from './value-format.ts';

function isDropReason(reason: string): reason is DropReason {
  return (dropReasons as readonly string[]).includes(reason);
}

/** The dropped-messages card of the device page. */
export function DropsCard({ device }: { device: DeviceDetail }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const total = device.drops.reduce((sum, drop) => sum + drop.count, 0);
  return (
    <Card title={t('drops.title')} data-testid="device-drops" extra={total > 0 && <Tag color="orange">{t('drops.total', { count: total })}</Tag>}>
      {device.drops.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('drops.none')} />
      ) : (
        <ItemList
          items={device.drops}
          rowKey={(drop) => drop.reason}
          itemTestId="device-drop"
          renderItem={(drop) => (
            <div>
              <Typography.Text strong>{isDropReason(drop.reason) ? t(`drops.reason.${drop.reason}`) : drop.reason}</Typography.Text>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatTimestamp(drop.lastAt, language)}>
                  {t('drops.last', { ago: formatAgo(drop.lastAt, language) })}
                </Typography.Text>
              </div>
            </div>
          )}
          renderExtra={(drop) => (
            <Typography.Text strong style={{ fontSize: 16 }}>
              {drop.count.toLocaleString()}
            </Typography.Text>
          )}
        />
      )}
    </Card>
  );
}
