// Create a device in a store (POST /devices); its access token is shown once, with a copy button.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Flex, Form, Input, Modal, Select, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SecretReveal } from '../../components/secret-reveal.tsx';
import { api } from '../../lib/api-client.ts';
import type { DeviceDetail, StoreDetail } from '../../lib/api-types.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { deviceKindLabel } from './device-kind.tsx';
import { deviceKeys, useDeviceProfiles } from './device-queries.ts';
import { StoreSelect } from './store-select.tsx';

interface DeviceForm {
  name: string;
  storeId: string;
  zoneId?: string;
  profileId?: string;
  label?: string;
  type?: string;
  isGateway: boolean;
  accessToken?: string;
}

/** The characters the server takes in an access token (it is a URL path segment of the HTTP device API). */
export const accessTokenPattern = /^[!$&'()*+,\-.0-9:;=@A-Z_a-z~]+$/;

interface DeviceCreateDialogProps {
  /** Create in this store (the store page); the user picks one otherwise. */
  storeId?: string;
  onClose: () => void;
  onCreated?: (deviceId: string) => void;
}

/** The create-device dialog. */
export function DeviceCreateDialog({ storeId, onClose, onCreated }: DeviceCreateDialogProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const profiles = useDeviceProfiles();
  const [form] = Form.useForm<DeviceForm>();
  const chosenStore = Form.useWatch('storeId', form) ?? storeId;
  const store = useQuery({
    queryKey: ['stores', 'detail', chosenStore],
    queryFn: () => api.get<StoreDetail>(`/stores/${chosenStore}`),
    enabled: Boolean(chosenStore),
  });
  const [created, setCreated] = useState<(DeviceDetail & { accessToken: string }) | null>(null);

  const create = useMutation({
    mutationFn: (values: DeviceForm) =>
      api.post<DeviceDetail & { accessToken: string }>('/devices', {
        name: values.name.trim(),
        storeId: values.storeId,
        zoneId: values.zoneId || undefined,
        profileId: values.profileId || undefined,
        label: values.label?.trim() || undefined,
        type: values.type?.trim() || undefined,
        isGateway: values.isGateway || undefined,
        accessToken: values.accessToken?.trim() || undefined,
      }),
    onSuccess: async (device) => {
      setCreated(device);
      await queryClient.invalidateQueries({ queryKey: deviceKeys.all });
    },
    onError: (error) => applyFormErrors(form, error),
  });
  const required = [{ required: true, message: t('validation.required') }];
  const defaultProfile = profiles.data?.find((profile) => profile.isDefault)?.id;

  if (created) {
    return (
      <Modal
        open
        title={t('devices.createdTitle', { name: created.name })}
        onCancel={onClose}
        closable={false}
        mask={{ closable: false }}
        footer={
          <Flex justify="flex-end" gap={8} wrap>
            <Button onClick={onClose}>{t('common.done')}</Button>
            {onCreated && (
              <Button
                type="primary"
                onClick={() => {
                  onClose();
                  onCreated(created.id);
                }}
                data-testid="device-created-open"
              >
                {t('devices.openDevice')}
              </Button>
            )}
          </Flex>
        }
      >
        <SecretReveal secret={created.accessToken} warning={t('credentials.shownOnce')} testId="device-created-token" />
      </Modal>
    );
  }

  return (
    <Modal
      open
      title={t('devices.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<DeviceForm>
        form={form}
        layout="vertical"
        initialValues={{ storeId, isGateway: false }}
        onFinish={(values) => create.mutate(values)}
        data-testid="device-form"
      >
        <Form.Item name="name" label={t('device.name')} rules={required} extra={t('devices.nameHelp')}>
          <Input autoComplete="off" maxLength={200} />
        </Form.Item>
        <Form.Item name="storeId" label={t('device.store')} rules={required} hidden={Boolean(storeId)}>
          <StoreSelect placeholder={t('devices.pickStore')} testId="device-form-store" />
        </Form.Item>
        <Form.Item name="zoneId" label={t('device.zone')}>
          <Select
            allowClear
            disabled={!chosenStore}
            placeholder={t('devices.noZone')}
            options={(store.data?.zones ?? []).map((zone) => ({ value: zone.id, label: zone.name }))}
          />
        </Form.Item>
        <Form.Item name="profileId" label={t('device.profile')} extra={defaultProfile ? undefined : t('devices.profileHelp')}>
          <Select
            allowClear
            loading={profiles.isPending}
            placeholder={t('devices.defaultProfile')}
            options={(profiles.data ?? []).map((profile) => ({
              value: profile.id,
              label: `${profile.name} · ${deviceKindLabel(t, profile.kind)}${profile.isDefault ? ` (${t('profiles.default')})` : ''}`,
            }))}
            data-testid="device-form-profile"
          />
        </Form.Item>
        <Form.Item name="label" label={t('device.label')}>
          <Input maxLength={200} placeholder={t('devices.labelPlaceholder')} />
        </Form.Item>
        <Form.Item name="type" label={t('device.type')}>
          <Input maxLength={100} placeholder="default" />
        </Form.Item>
        <Form.Item name="isGateway" label={t('device.gateway')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item
          name="accessToken"
          label={t('credentials.accessToken')}
          extra={t('devices.tokenHelp')}
          rules={[{ pattern: accessTokenPattern, message: t('credentials.tokenChars') }]}
        >
          <Input autoComplete="off" maxLength={256} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
