// The device list's filters; every change goes into the address (and so into the query).
import { Col, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CommitInput } from '../../components/commit-input.tsx';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { useAuth } from '../../lib/auth.tsx';
import type { DeviceListFilters } from './device-queries.ts';
import { useDeviceProfiles } from './device-queries.ts';
import { StoreSelect } from './store-select.tsx';

interface DeviceFiltersProps {
  value: DeviceListFilters;
  onChange: (next: DeviceListFilters) => void;
}

/** Search box, org unit, store, profile and online filters. */
export function DeviceFilters({ value, onChange }: DeviceFiltersProps) {
  const { t } = useTranslation();
  const canSeeOrg = useAuth().can('org:read');
  const profiles = useDeviceProfiles();
  const set = (patch: Partial<DeviceListFilters>) => onChange({ ...value, ...patch });

  return (
    <Row gutter={[12, 12]} data-testid="device-filters">
      <Col xs={24} md={12} xl={6}>
        <CommitInput search value={value.q} onCommit={(q) => set({ q })} placeholder={t('devices.searchPlaceholder')} testId="device-search" />
      </Col>
      {canSeeOrg && (
        <Col xs={24} md={12} xl={5}>
          <OrgUnitSelect
            hideStores
            value={value.orgUnitId}
            onChange={(orgUnitId) => set({ orgUnitId })}
            placeholder={t('devices.filterOrgUnit')}
            testId="device-filter-org"
          />
        </Col>
      )}
      <Col xs={24} md={12} xl={5}>
        <StoreSelect value={value.storeId} onChange={(storeId) => set({ storeId })} placeholder={t('devices.filterStore')} testId="device-filter-store" />
      </Col>
      <Col xs={12} md={6} xl={4}>
        <Select
          allowClear
          style={{ width: '100%' }}
          value={value.profileId}
          onChange={(profileId: string | undefined) => set({ profileId })}
          placeholder={t('devices.filterProfile')}
          loading={profiles.isPending}
          options={(profiles.data ?? []).map((profile) => ({ value: profile.id, label: profile.name }))}
          popupMatchSelectWidth={false}
          data-testid="device-filter-profile"
        />
      </Col>
      <Col xs={12} md={6} xl={4}>
        <Select
          allowClear
          style={{ width: '100%' }}
          value={value.online}
          onChange={(online: 'true' | 'false' | undefined) => set({ online })}
          placeholder={t('devices.filterOnline')}
          options={[
            { value: 'true', label: t('device.online') },
            { value: 'false', label: t('device.offline') },
          ]}
          data-testid="device-filter-online"
        />
      </Col>
    </Row>
  );
}
