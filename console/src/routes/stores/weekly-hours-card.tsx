// The weekly hours editor: Monday first, each day closed or one or more opening ranges
// (PUT /stores/{id}/hours).
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Input, Space, Switch, Tag, Typography, theme } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { StoreDetail } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { useStoreMutation } from './store-queries.ts';
import { checkDay, type DayHours, sameWeek, type TimeRange, tidyClock, toDays, toWeekly } from './weekly-hours.ts';

const defaultRange: TimeRange = { opens: '10:00', closes: '22:00' };

/** An HH:MM text box (a native time input cannot say 24:00), tidied when it loses focus. */
function ClockInput({
  value,
  onChange,
  invalid,
  label,
  testId,
}: {
  value: string;
  onChange: (next: string) => void;
  invalid: boolean;
  label: string;
  testId: string;
}) {
  return (
    <Input
      value={value}
      placeholder="HH:MM"
      maxLength={5}
      inputMode="numeric"
      autoComplete="off"
      status={invalid ? 'error' : undefined}
      onChange={(event) => onChange(event.target.value)}
      onBlur={() => onChange(tidyClock(value))}
      aria-label={label}
      data-testid={testId}
      style={{ width: 84, textAlign: 'center', fontVariantNumeric: 'tabular-nums' }}
    />
  );
}

function DayRow({ day, editable, onChange }: { day: DayHours; editable: boolean; onChange: (next: DayHours) => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const problems = checkDay(day);
  const open = day.ranges.length > 0;
  const setRange = (index: number, patch: Partial<TimeRange>) =>
    onChange({ ...day, ranges: day.ranges.map((range, i) => (i === index ? { ...range, ...patch } : range)) });

  const addRange = () => {
    const last = day.ranges[day.ranges.length - 1];
    const next = last && last.closes < '22:00' ? { opens: last.closes, closes: '22:00' } : { ...defaultRange };
    onChange({ ...day, ranges: [...day.ranges, next] });
  };

  // Day and switch on the left, its ranges beside them on a desktop and below them on a phone.
  return (
    <Flex
      wrap
      align="flex-start"
      gap={8}
      data-testid={`hours-day-${day.day}`}
      style={{ padding: '10px 0', borderTop: day.day === 1 ? undefined : `1px solid ${token.colorBorderSecondary}` }}
    >
      <Flex align="center" gap={12} style={{ width: 150, minHeight: 32 }}>
        <Typography.Text strong style={{ width: 52 }}>
          {t(`weekday.${day.day}`)}
        </Typography.Text>
        {editable ? (
          <Switch
            checked={open}
            checkedChildren={t('hours.open')}
            unCheckedChildren={t('hours.closed')}
            onChange={(checked) => onChange({ ...day, ranges: checked ? [{ ...defaultRange }] : [] })}
            data-testid={`hours-day-${day.day}-open`}
          />
        ) : (
          !open && <Tag>{t('hours.closed')}</Tag>
        )}
      </Flex>
      {!editable && open && (
        <Flex wrap gap={4} style={{ minHeight: 32, alignItems: 'center' }}>
          {day.ranges.map((range) => (
            <Tag key={`${range.opens}-${range.closes}`} color="blue">
              {range.opens}–{range.closes}
            </Tag>
          ))}
        </Flex>
      )}
      {editable && open && (
        <Space orientation="vertical" size={6} style={{ flex: '1 1 230px' }}>
          {day.ranges.map((range, index) => {
            const problem = problems.get(index);
            const isLast = index === day.ranges.length - 1;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: ranges have no identity but their place
              <div key={index}>
                <Flex align="center" gap={6}>
                  <ClockInput
                    value={range.opens}
                    invalid={problem !== undefined}
                    onChange={(opens) => setRange(index, { opens })}
                    label={t('hours.opens')}
                    testId={`hours-${day.day}-${index}-opens`}
                  />
                  <span>–</span>
                  <ClockInput
                    value={range.closes}
                    invalid={problem !== undefined}
                    onChange={(closes) => setRange(index, { closes })}
                    label={t('hours.closes')}
                    testId={`hours-${day.day}-${index}-closes`}
                  />
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    title={t('hours.removeRange')}
                    aria-label={t('hours.removeRange')}
                    onClick={() => onChange({ ...day, ranges: day.ranges.filter((_, i) => i !== index) })}
                  />
                  {isLast && (
                    <Button
                      type="text"
                      icon={<PlusOutlined />}
                      title={t('hours.addRange')}
                      aria-label={t('hours.addRange')}
                      onClick={addRange}
                      data-testid={`hours-day-${day.day}-add`}
                    />
                  )}
                </Flex>
                {problem && <Typography.Text type="danger">{t(`hours.problem.${problem}`)}</Typography.Text>}
              </div>
            );
          })}
        </Space>
      )}
    </Flex>
  );
}

/** The weekly hours card of the store page. */
export function WeeklyHoursCard({ store }: { store: StoreDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const editable = can('stores:write');
  const saved = useMemo(() => toDays(store.weeklyHours), [store.weeklyHours]);
  const [days, setDays] = useState(saved);
  useEffect(() => setDays(saved), [saved]);

  const save = useStoreMutation(store.id, (next: DayHours[]) => api.put<StoreDetail>(`/stores/${store.id}/hours`, { weekly: toWeekly(next) }));
  const dirty = !sameWeek(days, saved);
  const valid = days.every((day) => checkDay(day).size === 0);
  const setDay = (next: DayHours) => setDays((all) => all.map((day) => (day.day === next.day ? next : day)));

  return (
    <Card
      title={t('hours.title')}
      data-testid="weekly-hours"
      extra={
        editable && (
          <Button size="small" onClick={() => setDays((all) => all.map((day) => (day.day <= 5 ? { ...day, ranges: all[0].ranges } : day)))}>
            {t('hours.copyMonday')}
          </Button>
        )
      }
    >
      {days.map((day) => (
        <DayRow key={day.day} day={day} editable={editable} onChange={setDay} />
      ))}
      {editable && (
        <Space style={{ marginTop: 12 }} wrap>
          <Button
            type="primary"
            disabled={!dirty || !valid}
            loading={save.isPending}
            onClick={() => save.mutate(days, { onSuccess: () => showSuccess(t('hours.saved')) })}
            data-testid="hours-save"
          >
            {t('common.save')}
          </Button>
          <Button disabled={!dirty} onClick={() => setDays(saved)}>
            {t('common.reset')}
          </Button>
          {dirty && <Typography.Text type="warning">{t('common.unsaved')}</Typography.Text>}
        </Space>
      )}
    </Card>
  );
}
