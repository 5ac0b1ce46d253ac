// Change a device's name, label, type, zone, profile, or move it to another store (PATCH /devices/{id}).
import { useQuery } from '@tanstack/react-query';
import { Form, Input, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { DeviceDetail, StoreDetail } from '../../lib/api-types.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { deviceKindLabel } from './device-kind.tsx';
import { useDeviceMutation, useDeviceProfiles } from './device-queries.ts';
import { StoreSelect } from './store-select.tsx';

interface DeviceEditForm {
  name: string;
  label?: string | null;
  type: string;
  storeId: string;
  zoneId?: string | null;
  profileId: string;
  isGateway: boolean;
}

/** Only what changed goes to the server; an emptied label or zone goes as null. */
function toPatch(values: DeviceEditForm, device: DeviceDetail): Record<string, unknown> {
  const next: Record<string, string | boolean | null> = {
    name: values.name.trim(),
    label: values.label?.trim() || null,
    type: values.type.trim() || 'default',
    storeId: values.storeId,
    zoneId: values.zoneId ?? null,
    profileId: values.profileId,
    isGateway: values.isGateway,
  };
  const current: Record<string, unknown> = { ...device };
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => value !== (current[key] ?? null)));
}

/** The edit-device dialog. */
export function DeviceEditDialog({ device, onClose }: { device: DeviceDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DeviceEditForm>();
  const profiles = useDeviceProfiles();
  const storeId = Form.useWatch('storeId', form) ?? device.storeId;
  const store = useQuery({
    queryKey: ['stores', 'detail', storeId],
    queryFn: () => api.get<StoreDetail>(`/stores/${storeId}`),
  });
  const save = useDeviceMutation(device.id, (patch: Record<string, unknown>) => api.patch<DeviceDetail>(`/devices/${device.id}`, patch));
  const required = [{ required: true, message: t('validation.required') }];

  return (
    <Modal
      open
      title={t('devices.edit')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<DeviceEditForm>
        form={form}
        layout="vertical"
        initialValues={{ ...device, label: device.label ?? undefined }}
        onValuesChange={(changed: Partial<DeviceEditForm>) => {
          // a zone belongs to its store: moving the device leaves its zone behind
          if (changed.storeId !== undefined) form.setFieldValue('zoneId', null);
        }}
        onFinish={(values) => {
          const patch = toPatch(values, device);
          if (Object.keys(patch).length === 0) return onClose();
          save.mutate(patch, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          });
        }}
        data-testid="device-edit-form"
      >
        <Form.Item name="name" label={t('device.name')} rules={required}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="label" label={t('device.label')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="storeId" label={t('device.store')} rules={required} extra={t('devices.moveHelp')}>
          <StoreSelect allowClear={false} />
        </Form.Item>
        <Form.Item name="zoneId" label={t('device.zone')}>
          <Select allowClear placeholder={t('devices.noZone')} options={(store.data?.zones ?? []).map((zone) => ({ value: zone.id, label: zone.name }))} />
        </Form.Item>
        <Form.Item name="profileId" label={t('device.profile')} rules={required}>
          <Select
            loading={profiles.isPending}
            options={(profiles.data ?? []).map((profile) => ({ value: profile.id, label: `${profile.name} · ${deviceKindLabel(t, profile.kind)}` }))}
          />
        </Form.Item>
        <Form.Item name="type" label={t('device.type')} rules={required}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="isGateway" label={t('device.gateway')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
