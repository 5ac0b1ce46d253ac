// A device's attributes in the three scopes: client (the device's own, read-only here), server and
// shared (people's; a shared change goes to the connected device at once).
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Segmented, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { api } from '../../lib/api-client.ts';
import { type AttributeScope, attributeScopes, type DeviceAttribute, type JsonValue } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { deviceKeys, useDeviceMutation } from './device-queries.ts';
import { formatAgo, formatTimestamp, formatValue } from './value-format.ts';

type ValueType = 'string' | 'number' | 'boolean' | 'json';

interface AttributeForm {
  key: string;
  type: ValueType;
  text?: string;
  number?: number;
  flag?: boolean;
  json?: string;
}

function typeOf(value: JsonValue | undefined): ValueType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string' || value === undefined) return 'string';
  return 'json';
}

function toForm(attribute: DeviceAttribute | null): AttributeForm {
  if (!attribute) return { key: '', type: 'string', text: '', flag: true };
  const type = typeOf(attribute.value);
  return {
    key: attribute.key,
    type,
    text: typeof attribute.value === 'string' ? attribute.value : undefined,
    number: typeof attribute.value === 'number' ? attribute.value : undefined,
    flag: typeof attribute.value === 'boolean' ? attribute.value : true,
    json: type === 'json' ? JSON.stringify(attribute.value, null, 2) : undefined,
  };
}

function fromForm(values: AttributeForm): JsonValue {
  if (values.type === 'number') return values.number ?? 0;
  if (values.type === 'boolean') return values.flag ?? false;
  if (values.type === 'json') return JSON.parse(values.json ?? 'null') as JsonValue;
  return values.text ?? '';
}

function AttributeDialog({
  deviceId,
  scope,
  attribute,
  onClose,
}: {
  deviceId: string;
  scope: AttributeScope;
  attribute: DeviceAttribute | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AttributeForm>();
  const type = Form.useWatch('type', form) ?? toForm(attribute).type;
  const save = useDeviceMutation(deviceId, (values: AttributeForm) =>
    api.post<{ data: DeviceAttribute[] }>(`/devices/${deviceId}/attributes/${scope}`, { [values.key.trim()]: fromForm(values) }),
  );
  const required = [{ required: true, message: t('validation.required') }];

  return (
    <Modal
      open
      title={attribute ? t('attributes.editTitle', { key: attribute.key }) : t('attributes.addTitle', { scope: t(`attributes.scope.${scope}`) })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<AttributeForm>
        form={form}
        layout="vertical"
        initialValues={toForm(attribute)}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
        data-testid="attribute-form"
      >
        <Form.Item name="key" label={t('attributes.key')} rules={required}>
          <Input disabled={Boolean(attribute)} maxLength={255} autoComplete="off" data-testid="attribute-key" />
        </Form.Item>
        <Form.Item name="type" label={t('attributes.type')}>
          <Segmented<ValueType>
            options={(['string', 'number', 'boolean', 'json'] as const).map((value) => ({ value, label: t(`attributes.types.${value}`) }))}
            data-testid="attribute-type"
          />
        </Form.Item>
        {type === 'string' && (
          <Form.Item name="text" label={t('attributes.value')}>
            <Input maxLength={2000} data-testid="attribute-value" />
          </Form.Item>
        )}
        {type === 'number' && (
          <Form.Item name="number" label={t('attributes.value')} rules={required}>
            <InputNumber style={{ width: '100%' }} data-testid="attribute-value" />
          </Form.Item>
        )}
        {type === 'boolean' && (
          <Form.Item name="flag" label={t('attributes.value')} valuePropName="checked">
            <Switch data-testid="attribute-value" />
          </Form.Item>
        )}
        {type === 'json' && (
          <Form.Item
            name="json"
            label={t('attributes.value')}
            rules={[
              ...required,
              {
                validator: (_rule, value: string) => {
                  try {
                    JSON.parse(value);
                    return Promise.resolve();
                  } catch {
                    return Promise.reject(new Error(t('validation.json')));
                  }
                },
              },
            ]}
          >
            <Input.TextArea rows={5} style={{ fontFamily: 'monospace' }} data-testid="attribute-value" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** The attributes card of the device page. */
export function AttributesCard({ deviceId }: { deviceId: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const [scope, setScope] = useState<AttributeScope>('shared');
  const [editing, setEditing] = useState<DeviceAttribute | 'new' | null>(null);
  const attributes = useQuery({
    queryKey: deviceKeys.of(deviceId, 'attributes', scope),
    queryFn: async () => (await api.get<{ data: DeviceAttribute[] }>(`/devices/${deviceId}/attributes/${scope}`)).data,
  });
  const remove = useDeviceMutation(deviceId, (key: string) =>
    api.delete<{ data: DeviceAttribute[] }>(`/devices/${deviceId}/attributes/${scope}?keys=${encodeURIComponent(key)}`),
  );
  // the device writes its client attributes; people write server and shared ones
  const editable = scope !== 'client' && can('devices:write');

  return (
    <Card
      title={t('attributes.title')}
      data-testid="attributes-card"
      extra={
        editable && (
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="attribute-add">
            {t('common.add')}
          </Button>
        )
      }
    >
      <Segmented<AttributeScope>
        block
        value={scope}
        onChange={setScope}
        options={attributeScopes.map((value) => ({ value, label: t(`attributes.scope.${value}`) }))}
        style={{ marginBottom: 8 }}
        data-testid="attribute-scope"
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t(`attributes.scopeHelp.${scope}`)}
      </Typography.Paragraph>
      <ItemList
        loading={attributes.isPending}
        items={attributes.data ?? []}
        rowKey={(attribute) => attribute.key}
        emptyText={t('attributes.empty')}
        itemTestId="attribute-item"
        renderItem={(attribute) => (
          <div data-key={attribute.key} style={{ minWidth: 0 }}>
            <Typography.Text strong>{attribute.key}</Typography.Text>
            <div>
              <Typography.Text code style={{ wordBreak: 'break-all' }} data-testid="attribute-value-text">
                {formatValue(attribute.value, language)}
              </Typography.Text>
            </div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} title={formatTimestamp(attribute.lastUpdateTs, language)}>
              {formatAgo(attribute.lastUpdateTs, language)}
            </Typography.Text>
          </div>
        )}
        renderExtra={(attribute) =>
          editable && (
            <Space size={0}>
              <Button type="text" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setEditing(attribute)} data-testid="attribute-edit" />
              <Popconfirm
                title={t('attributes.deleteConfirm', { key: attribute.key })}
                description={scope === 'shared' ? t('attributes.deleteSharedHelp') : undefined}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  remove
                    .mutateAsync(attribute.key)
                    .then(() => showSuccess(t('common.deleted')))
                    .catch(() => undefined)
                }
              >
                <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="attribute-delete" />
              </Popconfirm>
            </Space>
          )
        }
      />
      {editing && <AttributeDialog deviceId={deviceId} scope={scope} attribute={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}
