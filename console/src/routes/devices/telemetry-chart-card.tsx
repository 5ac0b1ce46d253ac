// Charts of any keys of a device over a chosen range (GET /devices/{id}/telemetry), raw or aggregated.
import { useQuery } from '@tanstack/react-query';
import { Card, DatePicker, Empty, Flex, Segmented, Select, Skeleton, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartOption, EChart } from '../../components/echart.tsx';
import { api } from '../../lib/api-client.ts';
import { type LatestValue, type TelemetryAggregation, type TelemetrySeries, type TelemetryValue, telemetryAggregations } from '../../lib/api-types.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { deviceKeys } from './device-queries.ts';
import {
  autoInterval,
  type ChartRange,
  defaultAggregation,
  intervalChoices,
  intervalLabel,
  type RangePreset,
  rangeBounds,
  rangePresets,
  refreshEvery,
} from './telemetry-range.ts';

const palette = ['#1677ff', '#fa541c', '#52c41a', '#722ed1', '#13c2c2', '#eb2f96', '#faad14', '#2f54eb'];
const rawLimit = 5000;

/** A value as a chart's y: numbers as they are, booleans as 1 and 0, numeric text as its number; else nothing. */
function chartValue(value: TelemetryValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return null;
}

/** Keys worth a chart: those whose latest value is a number or a boolean. */
function chartableKeys(latest: readonly LatestValue[]): string[] {
  return latest.filter((value) => chartValue(value.value) !== null).map((value) => value.key);
}

interface TelemetryChartCardProps {
  deviceId: string;
  latest: readonly LatestValue[];
  defaultKeys: readonly string[];
  /** A key to show first (from a latest-value tile). */
  initialKey?: string;
}

/** The chart card of the device page. */
export function TelemetryChartCard({ deviceId, latest, defaultKeys, initialKey }: TelemetryChartCardProps) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const available = useMemo(() => [...new Set([...chartableKeys(latest), ...latest.map((value) => value.key)])], [latest]);
  const [keys, setKeys] = useState<string[]>(() => {
    if (initialKey) return [initialKey];
    const preferred = defaultKeys.filter((key) => available.includes(key));
    return preferred.length > 0 ? preferred.slice(0, 3) : chartableKeys(latest).slice(0, 1);
  });
  const [range, setRange] = useState<ChartRange>({ preset: '1h' });
  const [agg, setAgg] = useState<TelemetryAggregation>(() => defaultAggregation({ preset: '1h' }));
  const [bucket, setBucket] = useState<number | 'auto'>('auto');

  const series = useQuery({
    queryKey: deviceKeys.of(deviceId, 'telemetry', { keys, range, agg, bucket }),
    queryFn: () => {
      const { from, to } = rangeBounds(range);
      const size = bucket === 'auto' ? autoInterval(to - from) : bucket;
      return api.get<TelemetrySeries>(`/devices/${deviceId}/telemetry`, {
        keys: keys.join(','),
        from,
        to,
        agg,
        interval: agg === 'NONE' ? undefined : size,
        limit: agg === 'NONE' ? rawLimit : undefined,
      });
    },
    enabled: keys.length > 0,
    refetchInterval: refreshEvery(range),
    placeholderData: (previous) => previous,
  });

  const units = { s: t('telemetry.unit.s'), min: t('telemetry.unit.min'), h: t('telemetry.unit.h'), d: t('telemetry.unit.d') };
  const option = useMemo<ChartOption | null>(() => {
    const data = series.data?.data;
    if (!data) return null;
    const { from, to } = rangeBounds(range);
    return {
      color: palette,
      grid: { left: 8, right: 16, top: 36, bottom: isPhone ? 24 : 56, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      xAxis: { type: 'time', min: from, max: to, splitNumber: isPhone ? 3 : 8, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', scale: true },
      dataZoom: isPhone ? [{ type: 'inside' }] : [{ type: 'inside' }, { type: 'slider', height: 20, bottom: 8 }],
      series: keys.map((key) => {
        const points = (data[key] ?? [])
          .map((point) => [point.ts, chartValue(point.value)] as [number, number | null])
          .filter((point) => point[1] !== null)
          .sort((a, b) => a[0] - b[0]);
        const booleans = (data[key] ?? []).some((point) => typeof point.value === 'boolean');
        return { type: 'line', name: key, showSymbol: points.length < 60, step: booleans ? 'end' : undefined, data: points };
      }),
    };
  }, [series.data, keys, range, isPhone]);
  // the server refuses more than 10,000 buckets: offer only sizes that stay under that
  const span = (() => {
    const { from, to } = rangeBounds(range);
    return to - from;
  })();
  const bucketChoices = intervalChoices.filter((ms) => span / ms <= 10_000);
  const empty = series.data && keys.every((key) => (series.data.data[key] ?? []).length === 0);

  const customValue: [Dayjs, Dayjs] | null = 'preset' in range ? null : [dayjs(range.from), dayjs(range.to)];
  const pickPreset = (preset: RangePreset | 'custom') => {
    if (preset === 'custom') {
      const { from, to } = rangeBounds(range);
      setRange({ from, to });
      return;
    }
    setRange({ preset });
    setAgg(defaultAggregation({ preset }));
    setBucket('auto');
  };

  return (
    <Card title={t('telemetry.chart')} data-testid="telemetry-chart-card">
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Select
          mode="multiple"
          style={{ flex: '1 1 260px', minWidth: 0 }}
          value={keys}
          onChange={setKeys}
          placeholder={t('telemetry.pickKeys')}
          options={available.map((key) => ({ value: key, label: key }))}
          maxTagCount="responsive"
          data-testid="telemetry-keys"
        />
        <Segmented<RangePreset | 'custom'>
          value={'preset' in range ? range.preset : 'custom'}
          onChange={pickPreset}
          options={[
            ...rangePresets.map((preset) => ({ value: preset, label: t(`telemetry.range.${preset}`) })),
            { value: 'custom' as const, label: t('telemetry.range.custom') },
          ]}
          data-testid="telemetry-range"
        />
      </Flex>
      <Flex wrap gap={8} align="center" style={{ marginBottom: 12 }}>
        {!('preset' in range) && (
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={customValue}
            allowClear={false}
            onChange={(values) => {
              const [start, end] = values ?? [];
              if (start && end && start.isBefore(end)) setRange({ from: start.valueOf(), to: end.valueOf() });
            }}
            style={{ flex: '1 1 300px' }}
            data-testid="telemetry-custom-range"
          />
        )}
        <Select<TelemetryAggregation>
          value={agg}
          onChange={setAgg}
          style={{ width: 140 }}
          options={telemetryAggregations.map((value) => ({ value, label: t(`telemetry.agg.${value}`) }))}
          data-testid="telemetry-agg"
        />
        {agg !== 'NONE' && (
          <Select<number | 'auto'>
            value={bucket}
            onChange={setBucket}
            style={{ width: 130 }}
            options={[
              { value: 'auto' as const, label: t('telemetry.intervalAuto') },
              ...bucketChoices.map((ms) => ({ value: ms, label: intervalLabel(ms, units) })),
            ]}
            data-testid="telemetry-interval"
          />
        )}
        {series.data && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {series.data.interval ? t('telemetry.bucket', { size: intervalLabel(series.data.interval, units) }) : t('telemetry.rawPoints')}
            {series.data.source === 'rollups' && (
              <Tag style={{ marginInlineStart: 6 }} color="blue">
                {t('telemetry.fromRollups')}
              </Tag>
            )}
          </Typography.Text>
        )}
      </Flex>
      {keys.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('telemetry.pickKeys')} />
      ) : series.isPending ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : empty || !option ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('telemetry.noDataInRange')} />
      ) : (
        <EChart option={option} height={isPhone ? 240 : 340} ariaLabel={t('telemetry.chart')} testId="telemetry-chart" />
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('telemetry.timesIn', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
      </Typography.Text>
    </Card>
  );
}
