// Acknowledge and clear buttons of an alarm, each confirmed; shown to holders of alarms:ack.
import { CheckOutlined, StopOutlined } from '@ant-design/icons';
import { Button, Popconfirm, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api-client.ts';
import type { Alarm } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showError, showNotice, showSuccess } from '../../lib/feedback.ts';
import { type AlarmAction, useAlarmAction } from './alarm-queries.ts';

/** The actions the lifecycle allows from a status (docs/alarms.md): acknowledge an unacknowledged one, clear an active one. */
function allowed(alarm: Pick<Alarm, 'status'>): { ack: boolean; clear: boolean } {
  return {
    ack: alarm.status === 'ACTIVE_UNACK' || alarm.status === 'CLEARED_UNACK',
    clear: alarm.status === 'ACTIVE_UNACK' || alarm.status === 'ACTIVE_ACK',
  };
}

/** The acknowledge and clear buttons of one alarm. */
export function AlarmActions({ alarm, size = 'small' }: { alarm: Alarm; size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const act = useAlarmAction();
  if (!can('alarms:ack')) return null;
  const { ack, clear } = allowed(alarm);
  if (!ack && !clear) return null;

  const run = (action: AlarmAction) =>
    act
      .mutateAsync({ alarmId: alarm.id, action })
      .then(() => showSuccess(action === 'ack' ? t('alarms.acknowledged') : t('alarms.cleared')))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 409) {
          // someone (or the rule) moved it meanwhile: the list reloads with its new status
          const actions = (error.details.allowed ?? []).map((name) => t(`alarms.action.${name === 'clear' ? 'clear' : 'ack'}`));
          showNotice(error.message, actions.length ? t('alarms.allowedNow', { list: actions.join(t('common.listSeparator')) }) : t('alarms.noneAllowed'));
        } else if (!(error instanceof ApiError && error.status === 401)) {
          showError(error);
        }
      });

  return (
    <Space size={4} wrap onClick={(event) => event.stopPropagation()}>
      {ack && (
        <Popconfirm
          title={t('alarms.ackConfirm', { type: alarm.type })}
          okText={t('alarms.action.ack')}
          cancelText={t('common.cancel')}
          onConfirm={() => run('ack')}
        >
          <Button size={size} icon={<CheckOutlined />} loading={act.isPending && act.variables?.action === 'ack'} data-testid="alarm-ack">
            {t('alarms.action.ack')}
          </Button>
        </Popconfirm>
      )}
      {clear && (
        <Popconfirm
          title={t('alarms.clearConfirm', { type: alarm.type })}
          description={t('alarms.clearHelp')}
          okText={t('alarms.action.clear')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => run('clear')}
        >
          <Button size={size} danger icon={<StopOutlined />} loading={act.isPending && act.variables?.action === 'clear'} data-testid="alarm-clear">
            {t('alarms.action.clear')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
