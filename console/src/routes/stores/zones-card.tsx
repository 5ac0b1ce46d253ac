// A store's zones (showroom, experience area, service desk…): list, add, edit, delete.
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { api } from '../../lib/api-client.ts';
import { type StoreDetail, type Zone, type ZoneKind, zoneKinds } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useStoreMutation } from './store-queries.ts';

function isZoneKind(kind: string): kind is ZoneKind {
  return (zoneKinds as readonly string[]).includes(kind);
}

interface ZoneForm {
  name: string;
  kind: ZoneKind;
  floorArea?: number | null;
}

function ZoneDialog({ store, zone, onClose }: { store: StoreDetail; zone: Zone | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ZoneForm>();
  const save = useStoreMutation(store.id, (values: ZoneForm) => {
    const body = { name: values.name.trim(), kind: values.kind, floorArea: values.floorArea ?? null };
    return zone ? api.patch<StoreDetail>(`/stores/${store.id}/zones/${zone.id}`, body) : api.post<StoreDetail>(`/stores/${store.id}/zones`, body);
  });
  const required = [{ required: true, message: t('validation.required') }];

  return (
    <Modal
      open
      title={zone ? t('zones.edit') : t('zones.add')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<ZoneForm>
        form={form}
        layout="vertical"
        initialValues={zone ?? { kind: 'sales_floor' }}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
        data-testid="zone-form"
      >
        <Form.Item name="name" label={t('zones.name')} rules={required}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label={t('zones.kind')} rules={required}>
          <Select options={zoneKinds.map((kind) => ({ value: kind, label: t(`zones.kinds.${kind}`) }))} />
        </Form.Item>
        <Form.Item name="floorArea" label={t('store.floorAreaM2')}>
          <InputNumber min={1} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The zones card of the store page. */
export function ZonesCard({ store }: { store: StoreDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const editable = can('stores:write');
  const [editing, setEditing] = useState<Zone | 'new' | null>(null);
  const remove = useStoreMutation(store.id, (zoneId: string) => api.delete<StoreDetail>(`/stores/${store.id}/zones/${zoneId}`));
  const kindLabel = (kind: string) => (isZoneKind(kind) ? t(`zones.kinds.${kind}`) : kind);

  return (
    <Card
      title={t('zones.title')}
      data-testid="zones"
      extra={
        editable && (
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="zone-add">
            {t('common.add')}
          </Button>
        )
      }
    >
      <ItemList
        items={store.zones}
        rowKey={(zone) => zone.id}
        emptyText={t('zones.empty')}
        itemTestId="zone-item"
        renderItem={(zone) => (
          <Space wrap size={[8, 0]}>
            <Typography.Text strong>{zone.name}</Typography.Text>
            <Tag>{kindLabel(zone.kind)}</Tag>
            {zone.floorArea !== null && <Typography.Text type="secondary">{zone.floorArea} m²</Typography.Text>}
          </Space>
        )}
        renderExtra={(zone) =>
          editable && (
            <Space size={0}>
              <Button type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(zone)} />
              <Popconfirm
                title={t('zones.deleteConfirm', { name: zone.name })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={
                  () =>
                    remove
                      .mutateAsync(zone.id)
                      .then(() => showSuccess(t('common.deleted')))
                      .catch(() => undefined) // already shown by the query cache
                }
              >
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
              </Popconfirm>
            </Space>
          )
        }
      />
      {editing && <ZoneDialog store={store} zone={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}
