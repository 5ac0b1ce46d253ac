// The lifecycle buttons of a store: one per allowed next state, each confirmed with an optional reason.
import { Button, Form, Input, Modal, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api-client.ts';
import type { StoreDetail, StoreStatus } from '../../lib/api-types.ts';
import { showError, showNotice, showSuccess } from '../../lib/feedback.ts';
import { nextStatuses } from './store-lifecycle.ts';
import { useStoreMutation } from './store-queries.ts';

const dangerous: readonly StoreStatus[] = ['closed', 'temporarily_closed'];

/** Buttons that move the store through its lifecycle (POST /stores/{id}/transitions). */
export function StoreLifecycleActions({ store }: { store: StoreDetail }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<StoreStatus | null>(null);
  const [reason, setReason] = useState('');

  const transition = useStoreMutation(
    store.id,
    (input: { to: StoreStatus; reason?: string }) => api.post<StoreDetail>(`/stores/${store.id}/transitions`, input),
    { silent: true },
  );

  const confirm = () => {
    if (!target) return;
    transition.mutate(
      { to: target, reason: reason.trim() || undefined },
      {
        onSuccess: () => {
          showSuccess(t('lifecycle.done', { status: t(`store.status.${target}`) }));
          setTarget(null);
          setReason('');
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) {
            // the store moved meanwhile: say what the server allows now
            const allowed = (error.details.allowed ?? []) as StoreStatus[];
            showNotice(
              error.message,
              allowed.length
                ? t('lifecycle.allowed', { list: allowed.map((s) => t(`store.status.${s}`)).join(t('common.listSeparator')) })
                : t('lifecycle.noneAllowed'),
            );
            setTarget(null);
          } else if (!(error instanceof ApiError && error.status === 401)) {
            showError(error);
          }
        },
      },
    );
  };

  const options = nextStatuses(store.status);
  if (options.length === 0) return null;

  return (
    <>
      <Space wrap data-testid="lifecycle-actions">
        {options.map((status) => (
          <Button
            key={status}
            danger={dangerous.includes(status)}
            type={dangerous.includes(status) ? 'default' : 'primary'}
            onClick={() => setTarget(status)}
            data-testid={`lifecycle-${status}`}
          >
            {t(`lifecycle.to.${status}`)}
          </Button>
        ))}
      </Space>
      <Modal
        open={target !== null}
        title={target ? t(`lifecycle.to.${target}`) : ''}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: target ? dangerous.includes(target) : false }}
        confirmLoading={transition.isPending}
        onOk={confirm}
        onCancel={() => setTarget(null)}
        destroyOnHidden
      >
        <p>
          {target &&
            t('lifecycle.confirm', {
              from: t(`store.status.${store.status}`),
              to: t(`store.status.${target}`),
            })}
        </p>
        <Form layout="vertical">
          <Form.Item label={t('lifecycle.reason')}>
            <Input.TextArea rows={2} value={reason} onChange={(event) => setReason(event.target.value)} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
