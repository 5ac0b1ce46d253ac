// The store list's filters; every change goes into the address (and so into the query).
import { Col, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CommitInput } from '../../components/commit-input.tsx';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { storeFormats, storeStatuses } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import type { StoreListSearch } from './routes.ts';

interface StoreFiltersProps {
  value: StoreListSearch;
  onChange: (next: StoreListSearch) => void;
}

/** Search box, org unit, status, format and city filters. */
export function StoreFilters({ value, onChange }: StoreFiltersProps) {
  const { t } = useTranslation();
  const canSeeOrg = useAuth().can('org:read');
  const set = (patch: Partial<StoreListSearch>) => onChange({ ...value, ...patch });

  return (
    <Row gutter={[12, 12]} data-testid="store-filters">
      <Col xs={24} md={12} xl={6}>
        <CommitInput search value={value.q} onCommit={(q) => set({ q })} placeholder={t('stores.searchPlaceholder')} testId="store-search" />
      </Col>
      {canSeeOrg && (
        <Col xs={24} md={12} xl={6}>
          <OrgUnitSelect
            hideStores
            value={value.orgUnitId}
            onChange={(orgUnitId) => set({ orgUnitId })}
            placeholder={t('stores.filterOrgUnit')}
            testId="store-filter-org"
          />
        </Col>
      )}
      <Col xs={12} md={8} xl={4}>
        <Select
          allowClear
          style={{ width: '100%' }}
          value={value.status}
          onChange={(status) => set({ status })}
          placeholder={t('stores.filterStatus')}
          options={storeStatuses.map((status) => ({ value: status, label: t(`store.status.${status}`) }))}
          data-testid="store-filter-status"
        />
      </Col>
      <Col xs={12} md={8} xl={4}>
        <Select
          allowClear
          style={{ width: '100%' }}
          value={value.format}
          onChange={(format) => set({ format })}
          placeholder={t('stores.filterFormat')}
          options={storeFormats.map((format) => ({ value: format, label: t(`store.format.${format}`) }))}
          data-testid="store-filter-format"
        />
      </Col>
      <Col xs={24} md={8} xl={4}>
        <CommitInput value={value.city} onCommit={(city) => set({ city })} placeholder={t('stores.filterCity')} testId="store-filter-city" />
      </Col>
    </Row>
  );
}
