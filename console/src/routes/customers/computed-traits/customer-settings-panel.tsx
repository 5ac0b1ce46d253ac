// Customer settings (PUT /customer-settings, customers:write): RFM windows and the current score boundaries, and the
// identity rules — per-type limits, priority, blocked values, custom identifier types.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Card, Col, Descriptions, Flex, Form, Input, InputNumber, Row, Select, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { showSuccess } from '../../../lib/feedback.ts';
import { applyFormErrors } from '../../../lib/form-errors.ts';
import { identifierLabel } from '../customer-labels.tsx';
import { type CustomerSettings, identifierTypes } from '../customer-types.ts';
import { commonEvents } from '../segments/condition-model.ts';
import { useCustomerSettings, useSettingsMutation } from './computed-trait-queries.ts';

interface RfmForm {
  orderEvent: string;
  frequencyDays: number;
  monetaryDays: number;
}

interface IdentityForm {
  limits: Record<string, number | null>;
  priority: string[];
  blocked: Record<string, string[]>;
  custom: { type: string; paths: string[] }[];
}

function RfmSettingsCard({ settings, editable }: { settings: CustomerSettings; editable: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RfmForm>();
  const save = useSettingsMutation((rfm: RfmForm) => api.put<CustomerSettings>('/customer-settings', { rfm }));
  const b = settings.boundaries;
  return (
    <Card title={t('customers.settings.rfm')} data-testid="rfm-settings">
      <Form<RfmForm>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={settings.rfm}
        onFinish={(values) => save.mutate(values, { onSuccess: () => showSuccess(t('common.saved')), onError: (error) => applyFormErrors(form, error) })}
      >
        <Form.Item name="orderEvent" label={t('customers.settings.orderEvent')} rules={[{ required: true, message: t('validation.required') }]}>
          <AutoComplete options={commonEvents.map((e) => ({ value: e }))} />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="frequencyDays" label={t('customers.settings.frequencyDays')} style={{ flex: 1, minWidth: 140 }}>
            <InputNumber min={1} max={3650} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="monetaryDays" label={t('customers.settings.monetaryDays')} style={{ flex: 1, minWidth: 140 }}>
            <InputNumber min={1} max={3650} style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
        {editable && (
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('common.save')}
          </Button>
        )}
      </Form>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('customers.settings.boundaries')}
      </Typography.Title>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('customers.settings.recencyDays')}>{b.recency.join(' · ')}</Descriptions.Item>
        <Descriptions.Item label={t('customers.rfm.frequency')}>{b.frequency.join(' · ')}</Descriptions.Item>
        <Descriptions.Item label={t('customers.rfm.monetary')}>{b.monetary.join(' · ')}</Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">{t('customers.settings.boundariesHelp')}</Typography.Text>
    </Card>
  );
}

function IdentitySettingsCard({ settings, editable }: { settings: CustomerSettings; editable: boolean }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<IdentityForm>();
  const custom = settings.identity.custom.map((c) => c.type);
  const types = [...identifierTypes, ...custom];
  const save = useSettingsMutation((values: IdentityForm) => {
    const limits = Object.fromEntries(Object.entries(values.limits).filter((e): e is [string, number] => typeof e[1] === 'number'));
    const blocked = Object.fromEntries(Object.entries(values.blocked).filter(([, v]) => v.length > 0));
    const customTypes = (values.custom ?? []).filter((c) => c.type?.trim()).map((c) => ({ type: c.type.trim(), paths: c.paths ?? [] }));
    return api.put<CustomerSettings>('/customer-settings', { identity: { limits, priority: values.priority, blocked, custom: customTypes } });
  });
  return (
    <Card title={t('customers.settings.identity')} data-testid="identity-settings">
      <Form<IdentityForm>
        form={form}
        layout="vertical"
        disabled={!editable}
        initialValues={{
          limits: Object.fromEntries(types.map((type) => [type, settings.identity.limits[type] ?? null])),
          priority: settings.identity.priority,
          blocked: Object.fromEntries(types.map((type) => [type, settings.identity.blocked[type] ?? []])),
          custom: settings.identity.custom,
        }}
        onFinish={(values) => save.mutate(values, { onSuccess: () => showSuccess(t('common.saved')), onError: (error) => applyFormErrors(form, error) })}
      >
        <Typography.Paragraph type="secondary">{t('customers.settings.limitsHelp')}</Typography.Paragraph>
        <Row gutter={12}>
          {types.map((type) => (
            <Col xs={12} md={8} key={type}>
              <Form.Item name={['limits', type]} label={identifierLabel(t, type)}>
                <InputNumber min={1} max={10_000} style={{ width: '100%' }} placeholder={t('customers.settings.noLimit')} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item name="priority" label={t('customers.settings.priority')} extra={t('customers.settings.priorityHelp')}>
          <Select mode="multiple" options={types.map((type) => ({ value: type, label: identifierLabel(t, type) }))} />
        </Form.Item>
        <Typography.Title level={5}>{t('customers.settings.blocked')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('customers.settings.blockedHelp')}</Typography.Paragraph>
        {types.map((type) => (
          <Form.Item key={type} name={['blocked', type]} label={identifierLabel(t, type)}>
            <Select mode="tags" open={false} tokenSeparators={[',', '，', ' ']} />
          </Form.Item>
        ))}
        <Typography.Title level={5}>{t('customers.settings.custom')}</Typography.Title>
        <Form.List name="custom">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" size={8} style={{ display: 'flex', marginBottom: 16 }}>
              {fields.map((field) => (
                <Flex key={field.key} gap={8} wrap align="flex-start">
                  <Form.Item
                    name={[field.name, 'type']}
                    style={{ marginBottom: 0, width: 180 }}
                    rules={[{ pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('customers.traits.keyPattern') }]}
                  >
                    <Input placeholder="wechat_openid" />
                  </Form.Item>
                  <Form.Item name={[field.name, 'paths']} style={{ marginBottom: 0, flex: 1, minWidth: 200 }}>
                    <Select mode="tags" open={false} placeholder="traits.wechatOpenId" tokenSeparators={[',', ' ']} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('common.delete')} />
                </Flex>
              ))}
              <Button size="small" icon={<PlusOutlined />} onClick={() => add({ type: '', paths: [] })} style={{ alignSelf: 'flex-start' }}>
                {t('customers.settings.addCustom')}
              </Button>
            </Space>
          )}
        </Form.List>
        {editable && (
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="identity-settings-save">
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

/** The settings tab. */
export function CustomerSettingsPanel() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const settings = useCustomerSettings();
  if (settings.isPending) return <Skeleton active />;
  if (settings.isError) return <Typography.Text type="danger">{t('errors.loadFailed')}</Typography.Text>;
  const editable = can('customers:write');
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={9}>
        <RfmSettingsCard key={JSON.stringify(settings.data.rfm)} settings={settings.data} editable={editable} />
      </Col>
      <Col xs={24} xl={15}>
        <IdentitySettingsCard key={JSON.stringify(settings.data.identity)} settings={settings.data} editable={editable} />
      </Col>
    </Row>
  );
}
