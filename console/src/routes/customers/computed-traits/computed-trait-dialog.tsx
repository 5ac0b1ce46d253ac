// Define or change a computed trait: key (fixed once made), name, kind, event, property, property filters, window.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Flex, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { applyFormErrors } from '../../../lib/form-errors.ts';
import { type ComputedTrait, type ComputedTraitKind, computedTraitKinds, type PropertyFilter } from '../customer-types.ts';
import { commonEvents } from '../segments/condition-model.ts';
import { ValueTestInput } from '../segments/value-test-input.tsx';
import { useTraitMutation } from './computed-trait-queries.ts';

interface TraitForm {
  key: string;
  name: string;
  kind: ComputedTraitKind;
  event: string;
  property?: string;
  windowDays?: number | null;
}

/** The computed-trait dialog; `trait` to change one, none to define a new one. */
export function ComputedTraitDialog({ trait, onClose }: { trait?: ComputedTrait; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TraitForm>();
  const [where, setWhere] = useState<PropertyFilter[]>(trait?.definition.where ?? []);
  const kind = Form.useWatch('kind', form) ?? trait?.definition.kind ?? 'count';
  const save = useTraitMutation((values: TraitForm) => {
    const definition = {
      kind: values.kind,
      event: values.event.trim(),
      ...(values.kind !== 'count' && values.property ? { property: values.property.trim() } : {}),
      ...(where.length ? { where: where.map((f) => (f.op === 'exists' || f.op === 'not_exists' ? { property: f.property, op: f.op } : f)) } : {}),
      ...(values.windowDays ? { windowDays: values.windowDays } : {}),
    };
    return trait
      ? api.patch<ComputedTrait>(`/computed-traits/${trait.id}`, { name: values.name.trim(), definition })
      : api.post<ComputedTrait>('/computed-traits', { key: values.key.trim(), name: values.name.trim(), definition });
  });
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];

  return (
    <Modal
      open
      width={640}
      title={trait ? t('customers.traits.edit') : t('customers.traits.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<TraitForm>
        form={form}
        layout="vertical"
        initialValues={{
          key: trait?.key ?? '',
          name: trait?.name ?? '',
          kind: trait?.definition.kind ?? 'count',
          event: trait?.definition.event ?? 'Order Completed',
          property: trait?.definition.property,
          windowDays: trait?.definition.windowDays ?? null,
        }}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: () => {
              showSuccess(t('common.saved'));
              onClose();
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
        data-testid="computed-trait-form"
      >
        <Flex gap={12} wrap>
          <Form.Item
            name="key"
            label={t('customers.traits.keyLabel')}
            rules={[...required, { pattern: /^[a-z][a-z0-9_]{0,59}$/, message: t('customers.traits.keyPattern') }]}
            style={{ flex: 1, minWidth: 200 }}
          >
            <Input disabled={Boolean(trait)} placeholder="fridge_spend_90d" autoComplete="off" />
          </Form.Item>
          <Form.Item name="name" label={t('customers.traits.name')} rules={required} style={{ flex: 1, minWidth: 200 }}>
            <Input maxLength={120} />
          </Form.Item>
        </Flex>
        <Flex gap={12} wrap>
          <Form.Item name="kind" label={t('customers.traits.kind')} style={{ width: 200 }}>
            <Select options={computedTraitKinds.map((k) => ({ value: k, label: t(`customers.traitKinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="event" label={t('customers.builder.eventName')} rules={required} style={{ flex: 1, minWidth: 200 }}>
            <AutoComplete options={commonEvents.map((e) => ({ value: e }))} />
          </Form.Item>
        </Flex>
        <Flex gap={12} wrap>
          {kind !== 'count' && (
            <Form.Item
              name="property"
              label={t('customers.builder.property')}
              rules={required}
              extra={t('customers.traits.propertyHelp')}
              style={{ flex: 1, minWidth: 200 }}
            >
              <Input placeholder="total" />
            </Form.Item>
          )}
          <Form.Item name="windowDays" label={t('customers.traits.window')} extra={t('customers.traits.windowHelp')} style={{ width: 200 }}>
            <InputNumber min={1} max={3650} style={{ width: '100%' }} placeholder={t('customers.traits.allTime')} />
          </Form.Item>
        </Flex>
        <Form.Item label={t('customers.traits.where')}>
          <Space orientation="vertical" size={6} style={{ display: 'flex' }}>
            {where.map((f, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: filters have no identity but their place
              <Flex key={index} gap={6} wrap align="center">
                <Input
                  value={f.property}
                  onChange={(e) => setWhere(where.map((x, k) => (k === index ? { ...x, property: e.target.value } : x)))}
                  placeholder={t('customers.builder.property')}
                  style={{ width: 150 }}
                />
                <ValueTestInput
                  op={f.op}
                  value={f.value}
                  onChange={(test) => setWhere(where.map((x, k) => (k === index ? { property: x.property, ...test } : x)))}
                />
                <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => setWhere(where.filter((_x, k) => k !== index))} />
              </Flex>
            ))}
            <Button
              size="small"
              icon={<PlusOutlined />}
              disabled={where.length >= 10}
              onClick={() => setWhere([...where, { property: '', op: 'eq', value: '' }])}
            >
              {t('customers.builder.addFilter')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
    </Modal>
  );
}
