// A store's facts, and (for stores:write) their edit form (PATCH /stores/{id}).
import { EditOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import { type StoreDetail, type StoreFormat, storeFormats } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useParentName } from './store-names.ts';
import { useStoreMutation } from './store-queries.ts';

interface StoreEditForm {
  name: string;
  nameEn?: string | null;
  format: StoreFormat;
  city: string;
  address: string;
  latitude?: number | null;
  longitude?: number | null;
  timeZone: string;
  floorArea?: number | null;
  phone?: string | null;
}

const commonTimeZones = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Urumqi', 'Asia/Taipei', 'UTC'];

/**
 * Only the fields that changed go to the server; an optional field the user emptied goes as
 * null so it is cleared there too.
 */
function toPatch(values: StoreEditForm, store: StoreDetail): Record<string, unknown> {
  const next: Record<string, string | number | null> = {
    name: values.name.trim(),
    nameEn: values.nameEn?.trim() || null,
    format: values.format,
    city: values.city.trim(),
    address: values.address.trim(),
    latitude: values.latitude ?? null,
    longitude: values.longitude ?? null,
    timeZone: values.timeZone.trim(),
    floorArea: values.floorArea ?? null,
    phone: values.phone?.trim() || null,
  };
  const current: Record<string, unknown> = { ...store };
  return Object.fromEntries(Object.entries(next).filter(([key, value]) => value !== (current[key] ?? null)));
}

function StoreEditFormView({ store, onDone }: { store: StoreDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StoreEditForm>();
  const save = useStoreMutation(store.id, (patch: Record<string, unknown>) => api.patch<StoreDetail>(`/stores/${store.id}`, patch));
  const required = [{ required: true, message: t('validation.required') }];
  const half = { xs: 24, sm: 12 };

  return (
    <Form<StoreEditForm>
      form={form}
      layout="vertical"
      initialValues={store}
      data-testid="store-edit-form"
      onFinish={(values) => {
        const patch = toPatch(values, store);
        if (Object.keys(patch).length === 0) return onDone();
        save.mutate(patch, {
          onSuccess: () => {
            showSuccess(t('common.saved'));
            onDone();
          },
          onError: (error) => applyFormErrors(form, error),
        });
      }}
    >
      <Row gutter={12}>
        <Col span={24}>
          <Form.Item name="format" label={t('store.formatLabel')} rules={required}>
            <Select options={storeFormats.map((format) => ({ value: format, label: t(`store.format.${format}`) }))} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="name" label={t('store.nameZh')} rules={required}>
            <Input />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="nameEn" label={t('store.nameEn')}>
            <Input />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="city" label={t('store.city')} rules={required}>
            <Input />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="timeZone" label={t('store.timeZone')} rules={required}>
            <Select showSearch options={[...new Set([store.timeZone, ...commonTimeZones])].map((zone) => ({ value: zone, label: zone }))} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="address" label={t('store.address')} rules={required}>
            <Input />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="latitude" label={t('store.latitude')}>
            <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="longitude" label={t('store.longitude')}>
            <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="floorArea" label={t('store.floorAreaM2')}>
            <InputNumber min={1} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="phone" label={t('store.phone')}>
            <Input inputMode="tel" />
          </Form.Item>
        </Col>
      </Row>
      <Space>
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="store-edit-save">
          {t('common.save')}
        </Button>
        <Button onClick={onDone}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}

/** The details card of the store page. */
export function StoreDetailsCard({ store }: { store: StoreDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [editing, setEditing] = useState(false);
  const parentName = useParentName();
  const dash = (value: string | number | null) => (value === null || value === '' ? '—' : value);

  return (
    <Card
      title={t('store.details')}
      extra={
        can('stores:write') &&
        !editing && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="store-edit">
            {t('common.edit')}
          </Button>
        )
      }
    >
      {editing ? (
        <StoreEditFormView store={store} onDone={() => setEditing(false)} />
      ) : (
        <Descriptions column={{ xs: 1, sm: 2 }} size="small">
          <Descriptions.Item label={t('store.nameZh')}>{store.name}</Descriptions.Item>
          <Descriptions.Item label={t('store.nameEn')}>{dash(store.nameEn)}</Descriptions.Item>
          <Descriptions.Item label={t('store.formatLabel')}>{t(`store.format.${store.format}`)}</Descriptions.Item>
          <Descriptions.Item label={t('store.region')}>{parentName(store)}</Descriptions.Item>
          <Descriptions.Item label={t('store.city')}>{store.city}</Descriptions.Item>
          <Descriptions.Item label={t('store.timeZone')}>{store.timeZone}</Descriptions.Item>
          <Descriptions.Item label={t('store.address')} span={{ xs: 1, sm: 2 }}>
            {store.address}
          </Descriptions.Item>
          <Descriptions.Item label={t('store.floorArea')}>{store.floorArea === null ? '—' : `${store.floorArea.toLocaleString()} m²`}</Descriptions.Item>
          <Descriptions.Item label={t('store.phone')}>{store.phone ? <a href={`tel:${store.phone}`}>{store.phone}</a> : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('store.coordinates')}>
            {store.latitude === null || store.longitude === null ? '—' : `${store.latitude}, ${store.longitude}`}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}
