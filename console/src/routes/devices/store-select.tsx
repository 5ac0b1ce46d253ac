// Picks one store by searching the server's store list (a chain has thousands: no full list).
import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../../lib/api-client.ts';
import type { Page, Store, StoreDetail } from '../../lib/api-types.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { storeName } from '../stores/store-names.ts';

interface StoreSelectProps {
  value?: string | null;
  onChange?: (value: string | undefined) => void;
  placeholder?: string;
  allowClear?: boolean;
  testId?: string;
  style?: React.CSSProperties;
}

/** Waits `ms` after the last change before answering the new value. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** A searchable store picker (by code or name). */
export function StoreSelect({ value, onChange, placeholder, allowClear = true, testId, style }: StoreSelectProps) {
  const language = useLanguage();
  const [search, setSearch] = useState('');
  const q = useSettled(search.trim(), 250);
  const found = useQuery({
    queryKey: ['stores', 'list', { q, limit: 20 }],
    queryFn: () => api.get<Page<Store>>('/stores', { q, limit: 20 }),
    staleTime: 60_000,
  });
  // the chosen store may not be among the search results: load it to show its name
  const chosen = useQuery({
    queryKey: ['stores', 'detail', value],
    queryFn: () => api.get<StoreDetail>(`/stores/${value}`),
    enabled: Boolean(value),
    staleTime: 60_000,
    meta: { silent: true },
  });

  const options = useMemo(() => {
    const stores = [...(found.data?.data ?? [])];
    if (chosen.data && !stores.some((store) => store.id === chosen.data.id)) stores.unshift(chosen.data);
    return stores.map((store) => ({ value: store.id, label: `${store.code} · ${storeName(store, language)}` }));
  }, [found.data, chosen.data, language]);

  return (
    <Select
      data-testid={testId}
      style={{ width: '100%', ...style }}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={value ?? undefined}
      onChange={(next: string | undefined) => onChange?.(next ?? undefined)}
      onClear={() => setSearch('')}
      options={options}
      loading={found.isFetching}
      placeholder={placeholder}
      allowClear={allowClear}
      popupMatchSelectWidth={false}
      styles={{ popup: { root: { maxWidth: 'calc(100vw - 16px)' } } }}
    />
  );
}
