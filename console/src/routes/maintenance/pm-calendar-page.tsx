// The preventive-maintenance calendar: each day's due schedules and open PM work orders, and the
// technician's private calendar link for their phone.
import { Link } from '@tanstack/react-router';
import { Badge, Button, Calendar, Card, Flex, Input, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import { showError } from '../../lib/feedback.ts';
import { usePmCalendar } from './maintenance-queries.ts';

/** The PM calendar page. */
export function PmCalendarPage() {
  const { t } = useTranslation();
  const [month, setMonth] = useState<Dayjs>(dayjs().startOf('month'));
  const [feed, setFeed] = useState<string | null>(null);
  const from = month.subtract(7, 'day').toISOString();
  const to = month.add(1, 'month').add(7, 'day').toISOString();
  const entries = usePmCalendar(from, to).data ?? [];
  const byDay = new Map<string, typeof entries>();
  for (const e of entries) {
    const key = dayjs(e.dueAt).format('YYYY-MM-DD');
    byDay.set(key, [...(byDay.get(key) ?? []), e]);
  }
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="pm-calendar">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('maintenance.pmCalendar')}
        </Typography.Title>
        <Button onClick={() => api.post<{ url: string }>('/maintenance/calendar-feed').then((r) => setFeed(r.url), showError)}>
          {t('maintenance.calendarFeed')}
        </Button>
      </Flex>
      {feed && (
        <Card size="small">
          <Typography.Text type="secondary">{t('maintenance.calendarFeedHint')}</Typography.Text>
          <Input readOnly value={feed} style={{ marginTop: 8 }} onFocus={(e) => e.target.select()} />
        </Card>
      )}
      <Card>
        <Calendar
          value={month}
          onPanelChange={(d) => setMonth(d.startOf('month'))}
          cellRender={(d, info) => {
            if (info.type !== 'date') return info.originNode;
            const list = byDay.get(d.format('YYYY-MM-DD')) ?? [];
            return (
              <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {list.slice(0, 3).map((e) => (
                  <li
                    key={`${e.scheduleId}-${e.dueAt}-${e.workOrderId ?? ''}`}
                    style={{ fontSize: 12, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }}
                  >
                    {e.workOrderId ? (
                      <Link to="/maintenance/work-orders/$workOrderId" params={{ workOrderId: e.workOrderId }}>
                        <Badge status="processing" text={e.title} />
                      </Link>
                    ) : (
                      <Badge status="default" text={`${e.title} · ${e.assetName}`} />
                    )}
                  </li>
                ))}
                {list.length > 3 && <li style={{ fontSize: 12 }}>{t('maintenance.pmDue', { count: list.length })}</li>}
              </ul>
            );
          }}
        />
      </Card>
    </Space>
  );
}
