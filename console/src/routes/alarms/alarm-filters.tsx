// The alarm list's filters; every change goes into the address (and so into the query).
import { Col, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { CommitInput } from '../../components/commit-input.tsx';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { type AlarmSeverity, type AlarmStatus, alarmSeverities, alarmStatuses } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { StoreSelect } from '../devices/store-select.tsx';
import { type AlarmListSearch, severitiesOf, statusesOf } from './routes.ts';

interface AlarmFiltersProps {
  value: AlarmListSearch;
  onChange: (next: AlarmListSearch) => void;
}

/** Region (org unit), store, severity, status and type filters. */
export function AlarmFilters({ value, onChange }: AlarmFiltersProps) {
  const { t } = useTranslation();
  const canSeeOrg = useAuth().can('org:read');
  const set = (patch: Partial<AlarmListSearch>) => onChange({ ...value, ...patch });
  const list = (items: string[]) => (items.length ? items.join(',') : undefined);

  return (
    <Row gutter={[12, 12]} data-testid="alarm-filters">
      {canSeeOrg && (
        <Col xs={24} md={12} xl={5}>
          <OrgUnitSelect
            hideStores
            value={value.orgUnitId}
            onChange={(orgUnitId) => set({ orgUnitId })}
            placeholder={t('alarms.filterRegion')}
            testId="alarm-filter-org"
          />
        </Col>
      )}
      <Col xs={24} md={12} xl={5}>
        <StoreSelect value={value.storeId} onChange={(storeId) => set({ storeId })} placeholder={t('alarms.filterStore')} testId="alarm-filter-store" />
      </Col>
      <Col xs={24} md={8} xl={5}>
        <Select<AlarmSeverity[]>
          mode="multiple"
          allowClear
          style={{ width: '100%' }}
          value={severitiesOf(value) ?? []}
          onChange={(severities) => set({ severity: list(severities) })}
          placeholder={t('alarms.filterSeverity')}
          options={alarmSeverities.map((severity) => ({ value: severity, label: t(`alarm.severity.${severity}`) }))}
          maxTagCount="responsive"
          data-testid="alarm-filter-severity"
        />
      </Col>
      <Col xs={24} md={8} xl={5}>
        <Select<AlarmStatus[]>
          mode="multiple"
          allowClear
          style={{ width: '100%' }}
          value={statusesOf(value) ?? []}
          onChange={(statuses) => set({ status: list(statuses) })}
          placeholder={t('alarms.filterStatus')}
          options={alarmStatuses.map((status) => ({ value: status, label: t(`alarm.status.${status}`) }))}
          maxTagCount="responsive"
          data-testid="alarm-filter-status"
        />
      </Col>
      <Col xs={24} md={8} xl={4}>
        <CommitInput value={value.type} onCommit={(type) => set({ type })} placeholder={t('alarms.filterType')} testId="alarm-filter-type" />
      </Col>
    </Row>
  );
}
