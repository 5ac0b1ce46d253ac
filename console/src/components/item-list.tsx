// A plain bordered list of rows (antd's List is deprecated in v6; Listy is a virtual scroller).
import { Empty, Skeleton, theme } from 'antd';
import type { Key, ReactNode } from 'react';

interface ItemListProps<T> {
  items: readonly T[];
  rowKey: (item: T) => Key;
  renderItem: (item: T) => ReactNode;
  /** Drawn at the end of a row (a tag, a button). */
  renderExtra?: (item: T) => ReactNode;
  loading?: boolean;
  emptyText?: ReactNode;
  itemTestId?: string;
}

/** Rows separated by hairlines, with loading and empty states. */
export function ItemList<T>({ items, rowKey, renderItem, renderExtra, loading, emptyText, itemTestId }: ItemListProps<T>) {
  const { token } = theme.useToken();
  if (loading) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} />;
  return (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((item, index) => (
        <li
          key={rowKey(item)}
          data-testid={itemTestId}
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 12,
            padding: '10px 0',
            borderTop: index === 0 ? undefined : `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          <div style={{ flex: 1, minWidth: 0 }}>{renderItem(item)}</div>
          {renderExtra && <div style={{ flexShrink: 0 }}>{renderExtra(item)}</div>}
        </li>
      ))}
    </ul>
  );
}
