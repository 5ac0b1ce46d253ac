// Special hours (holidays, events): a list with add and delete (POST/DELETE /stores/{id}/special-hours).
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Switch, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { api } from '../../lib/api-client.ts';
import type { SpecialHours, StoreDetail } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useStoreMutation } from './store-queries.ts';

interface SpecialHoursForm {
  startDate: string;
  endDate: string;
  closed: boolean;
  opens?: string;
  closes?: string;
  note?: string;
}

function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function AddSpecialHoursDialog({ store, onClose }: { store: StoreDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SpecialHoursForm>();
  const closed = Form.useWatch('closed', form) ?? true;
  const add = useStoreMutation(store.id, (values: SpecialHoursForm) =>
    api.post<StoreDetail>(`/stores/${store.id}/special-hours`, {
      startDate: values.startDate,
      endDate: values.endDate,
      closed: values.closed,
      opens: values.closed ? undefined : values.opens,
      closes: values.closed ? undefined : values.closes,
      note: values.note?.trim() || undefined,
    }),
  );
  const required = [{ required: true, message: t('validation.required') }];

  return (
    <Modal
      open
      title={t('special.add')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={add.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<SpecialHoursForm>
        form={form}
        layout="vertical"
        initialValues={{ startDate: today(), endDate: today(), closed: true, opens: '10:00', closes: '18:00' }}
        onFinish={(values) =>
          add.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
        data-testid="special-hours-form"
      >
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="startDate" label={t('special.startDate')} rules={required}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="endDate"
              label={t('special.endDate')}
              dependencies={['startDate']}
              rules={[
                ...required,
                ({ getFieldValue }) => ({
                  validator: (_rule, value: string) =>
                    !value || value >= getFieldValue('startDate') ? Promise.resolve() : Promise.reject(new Error(t('special.endBeforeStart'))),
                }),
              ]}
            >
              <Input type="date" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="closed" label={t('special.closedAllDay')} valuePropName="checked">
          <Switch />
        </Form.Item>
        {!closed && (
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="opens" label={t('hours.opens')} rules={required}>
                <Input type="time" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="closes" label={t('hours.closes')} rules={required}>
                <Input type="time" />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Form.Item name="note" label={t('special.note')}>
          <Input maxLength={200} placeholder={t('special.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function describeDates(entry: SpecialHours): string {
  return entry.startDate === entry.endDate ? entry.startDate : `${entry.startDate} – ${entry.endDate}`;
}

/** The special hours card of the store page. */
export function SpecialHoursCard({ store }: { store: StoreDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const editable = can('stores:write');
  const [adding, setAdding] = useState(false);
  const remove = useStoreMutation(store.id, (specialId: string) => api.delete<StoreDetail>(`/stores/${store.id}/special-hours/${specialId}`));
  const entries = [...store.specialHours].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const now = today();

  return (
    <Card
      title={t('special.title')}
      data-testid="special-hours"
      extra={
        editable && (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="special-hours-add">
            {t('common.add')}
          </Button>
        )
      }
    >
      <ItemList
        items={entries}
        rowKey={(entry) => entry.id}
        emptyText={t('special.empty')}
        itemTestId="special-hours-item"
        renderItem={(entry) => (
          <div style={{ opacity: entry.endDate < now ? 0.55 : 1 }}>
            <Typography.Text strong>{describeDates(entry)}</Typography.Text>{' '}
            {entry.closed ? (
              <Tag color="red">{t('hours.closed')}</Tag>
            ) : (
              <Tag color="blue">
                {entry.opens?.slice(0, 5)}–{entry.closes?.slice(0, 5)}
              </Tag>
            )}
            {entry.note && (
              <div>
                <Typography.Text type="secondary">{entry.note}</Typography.Text>
              </div>
            )}
          </div>
        )}
        renderExtra={(entry) =>
          editable && (
            <Popconfirm
              title={t('special.deleteConfirm')}
              okText={t('common.delete')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              onConfirm={
                () =>
                  remove
                    .mutateAsync(entry.id)
                    .then(() => showSuccess(t('common.deleted')))
                    .catch(() => undefined) // already shown by the query cache
              }
            >
              <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
            </Popconfirm>
          )
        }
      />
      {adding && <AddSpecialHoursDialog store={store} onClose={() => setAdding(false)} />}
    </Card>
  );
}
