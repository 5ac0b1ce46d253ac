// The fields of a device profile: kind, retention, inactivity timeout, default chart keys and
// provisioning; used to create one (dialog) and to change one (profile page).
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Col, Form, type FormInstance, Input, InputNumber, Row, Select, Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { type DeviceProfile, deviceKinds, type ProvisionStrategy, provisionStrategies } from '../../lib/api-types.ts';
import { deviceKindLabel } from '../devices/device-kind.tsx';
import { StoreSelect } from '../devices/store-select.tsx';

export interface ProfileFormValues {
  name: string;
  description?: string | null;
  kind: string;
  isDefault: boolean;
  telemetryRetentionDays: number;
  inactivityTimeoutSeconds: number;
  defaultChartKeys: string[];
  provisionStrategy: ProvisionStrategy;
  provisionKey?: string | null;
  provisionSecret?: string | null;
  provisionStoreId?: string | null;
  /** Only when creating: start with the kind's default alarm rules (the server's default) or with none. */
  defaultRules?: boolean;
}

/** A profile as the form's starting values. */
export function profileFormValues(profile: DeviceProfile | null): ProfileFormValues {
  if (!profile) {
    return {
      name: '',
      kind: 'other',
      isDefault: false,
      telemetryRetentionDays: 30,
      inactivityTimeoutSeconds: 600,
      defaultChartKeys: [],
      provisionStrategy: 'disabled',
    };
  }
  return {
    name: profile.name,
    description: profile.description,
    kind: profile.kind,
    isDefault: profile.isDefault,
    telemetryRetentionDays: profile.telemetryRetentionDays,
    inactivityTimeoutSeconds: profile.inactivityTimeoutSeconds,
    defaultChartKeys: profile.defaultChartKeys,
    provisionStrategy: (provisionStrategies as readonly string[]).includes(profile.provisionStrategy)
      ? (profile.provisionStrategy as ProvisionStrategy)
      : 'disabled',
    provisionKey: profile.provisionKey,
    provisionSecret: profile.provisionSecret,
    provisionStoreId: profile.provisionStoreId,
  };
}

/** The body of POST, or the changed fields for PATCH; emptied optional fields go as null. */
export function profileBody(values: ProfileFormValues, before: DeviceProfile | null): Record<string, unknown> {
  const next: Record<string, unknown> = {
    name: values.name.trim(),
    description: values.description?.trim() || null,
    kind: values.kind,
    isDefault: values.isDefault,
    telemetryRetentionDays: values.telemetryRetentionDays,
    inactivityTimeoutSeconds: values.inactivityTimeoutSeconds,
    defaultChartKeys: values.defaultChartKeys.map((key) => key.trim()).filter(Boolean),
    provisionStrategy: values.provisionStrategy,
    provisionKey: values.provisionKey?.trim() || null,
    provisionSecret: values.provisionSecret?.trim() || null,
    provisionStoreId: values.provisionStoreId || null,
  };
  if (!before) return Object.fromEntries(Object.entries(next).filter(([, value]) => value !== null));
  const current: Record<string, unknown> = { ...before };
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(current[key] ?? null)));
}

/** A random provisioning key or secret (20 characters). */
function randomCredential(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, 'x')
    .replace(/\//g, 'y');
}

/** The profile fields; read-only when `disabled`. */
export function ProfileFields({
  form,
  disabled = false,
  chartKeySuggestions = [],
}: {
  form: FormInstance<ProfileFormValues>;
  disabled?: boolean;
  chartKeySuggestions?: readonly string[];
}) {
  const { t } = useTranslation();
  const strategy = Form.useWatch('provisionStrategy', form) ?? 'disabled';
  const required = [{ required: true, message: t('validation.required') }];
  const half = { xs: 24, sm: 12 };
  const credentialRule = { min: 8, message: t('profiles.credentialTooShort') };
  return (
    <Row gutter={12}>
      <Col {...half}>
        <Form.Item name="name" label={t('profiles.name')} rules={required}>
          <Input maxLength={100} disabled={disabled} data-testid="profile-name" />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="kind" label={t('profiles.kind')} rules={required}>
          <Select disabled={disabled} options={deviceKinds.map((kind) => ({ value: kind, label: deviceKindLabel(t, kind) }))} data-testid="profile-kind" />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Form.Item name="description" label={t('profiles.description')}>
          <Input.TextArea rows={2} maxLength={500} disabled={disabled} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="telemetryRetentionDays" label={t('profiles.retention')} rules={required} extra={t('profiles.retentionHelp')}>
          <InputNumber
            min={1}
            max={3650}
            precision={0}
            style={{ width: '100%' }}
            suffix={t('profiles.daysUnit')}
            disabled={disabled}
            data-testid="profile-retention"
          />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="inactivityTimeoutSeconds" label={t('profiles.inactivity')} rules={required} extra={t('profiles.inactivityHelp')}>
          <InputNumber
            min={30}
            max={604_800}
            precision={0}
            style={{ width: '100%' }}
            suffix={t('profiles.secondsUnit')}
            disabled={disabled}
            data-testid="profile-inactivity"
          />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Form.Item name="defaultChartKeys" label={t('profiles.chartKeys')} extra={t('profiles.chartKeysHelp')}>
          <Select
            mode="tags"
            disabled={disabled}
            options={chartKeySuggestions.map((key) => ({ value: key, label: key }))}
            tokenSeparators={[',', ' ']}
            data-testid="profile-chart-keys"
          />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="isDefault" label={t('profiles.isDefault')} valuePropName="checked" extra={t('profiles.isDefaultHelp')}>
          <Switch disabled={disabled} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="provisionStrategy" label={t('profiles.provisioning')}>
          <Select<ProvisionStrategy>
            disabled={disabled}
            options={provisionStrategies.map((value) => ({ value, label: t(`profiles.strategy.${value}`) }))}
            data-testid="profile-provisioning"
          />
        </Form.Item>
      </Col>
      {strategy !== 'disabled' && (
        <>
          <Col {...half}>
            <Form.Item label={t('profiles.provisionKey')} required>
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="provisionKey" noStyle rules={[...required, credentialRule]}>
                  <Input maxLength={256} disabled={disabled} autoComplete="off" data-testid="profile-provision-key" />
                </Form.Item>
                {!disabled && (
                  <Button
                    icon={<ReloadOutlined />}
                    aria-label={t('profiles.generate')}
                    title={t('profiles.generate')}
                    onClick={() => form.setFieldValue('provisionKey', randomCredential())}
                  />
                )}
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item label={t('profiles.provisionSecret')} required>
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="provisionSecret" noStyle rules={[...required, credentialRule]}>
                  <Input.Password maxLength={256} disabled={disabled} autoComplete="new-password" data-testid="profile-provision-secret" />
                </Form.Item>
                {!disabled && (
                  <Button
                    icon={<ReloadOutlined />}
                    aria-label={t('profiles.generate')}
                    title={t('profiles.generate')}
                    onClick={() => form.setFieldValue('provisionSecret', randomCredential())}
                  />
                )}
              </Space.Compact>
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="provisionStoreId" label={t('profiles.provisionStore')} extra={t('profiles.provisionStoreHelp')}>
              <StoreSelect />
            </Form.Item>
          </Col>
        </>
      )}
    </Row>
  );
}
