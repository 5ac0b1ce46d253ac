// Create a store under a region (POST /stores); afterwards its page opens.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Col, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { ApiError, api } from '../../lib/api-client.ts';
import { type StoreDetail, type StoreFormat, type StoreStatus, storeFormats } from '../../lib/api-types.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { orgUnitsQueryKey } from '../../lib/org-units.ts';

interface StoreCreateForm {
  code: string;
  name: string;
  nameEn?: string;
  parentOrgUnitId: string;
  format: StoreFormat;
  status: StoreStatus;
  city: string;
  address: string;
  timeZone: string;
  latitude?: number | null;
  longitude?: number | null;
  floorArea?: number | null;
  phone?: string;
}

/** The states a new store may start in: not open yet, or already open (a store taken over). */
const startStatuses: readonly StoreStatus[] = ['planned', 'opening', 'open'];
const commonTimeZones = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Urumqi', 'Asia/Taipei', 'UTC'];

/** The new-store dialog; `parentOrgUnitId` preselects the region (the list's org filter). */
export function StoreCreateDialog({ parentOrgUnitId, onClose }: { parentOrgUnitId?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<StoreCreateForm>();
  const create = useMutation({
    mutationFn: (values: StoreCreateForm) =>
      api.post<StoreDetail>('/stores', {
        code: values.code.trim(),
        name: values.name.trim(),
        nameEn: values.nameEn?.trim() || undefined,
        parentOrgUnitId: values.parentOrgUnitId,
        format: values.format,
        status: values.status,
        city: values.city.trim(),
        address: values.address.trim(),
        timeZone: values.timeZone,
        latitude: values.latitude ?? undefined,
        longitude: values.longitude ?? undefined,
        floorArea: values.floorArea ?? undefined,
        phone: values.phone?.trim() || undefined,
      }),
    onSuccess: async (store) => {
      showSuccess(t('storeCreate.created', { name: store.name }));
      await queryClient.invalidateQueries({ queryKey: ['stores'] });
      await queryClient.invalidateQueries({ queryKey: orgUnitsQueryKey });
      onClose();
      void navigate({ to: '/stores/$storeId', params: { storeId: store.id } });
    },
    onError: (error) => {
      if (applyFormErrors(form, error)) return;
      // a taken code is the one conflict a new store can meet: say it at the field too
      if (error instanceof ApiError && error.status === 409) form.setFields([{ name: 'code', errors: [t('storeCreate.codeTaken')] }]);
    },
  });
  const required = [{ required: true, message: t('validation.required') }];
  const half = { xs: 24, sm: 12 };

  return (
    <Modal
      open
      width={680}
      title={t('storeCreate.title')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<StoreCreateForm>
        form={form}
        layout="vertical"
        initialValues={{ parentOrgUnitId, format: 'standard', status: 'planned', timeZone: 'Asia/Shanghai' }}
        onFinish={(values) => create.mutate(values)}
        data-testid="store-create-form"
      >
        <Row gutter={12}>
          <Col {...half}>
            <Form.Item
              name="code"
              label={t('store.code')}
              rules={[...required, { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, message: t('storeCreate.codeFormat') }]}
            >
              <Input autoComplete="off" maxLength={40} data-testid="store-create-code" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="parentOrgUnitId" label={t('storeCreate.parent')} rules={required}>
              <OrgUnitSelect
                hideStores
                disabledKinds={['store']}
                allowClear={false}
                placeholder={t('storeCreate.parentPlaceholder')}
                testId="store-create-parent"
              />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="name" label={t('store.nameZh')} rules={required}>
              <Input maxLength={120} data-testid="store-create-name" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="nameEn" label={t('store.nameEn')}>
              <Input maxLength={120} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="format" label={t('store.formatLabel')} rules={required}>
              <Select options={storeFormats.map((format) => ({ value: format, label: t(`store.format.${format}`) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="status" label={t('store.statusLabel')} rules={required}>
              <Select options={startStatuses.map((status) => ({ value: status, label: t(`store.status.${status}`) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="city" label={t('store.city')} rules={required}>
              <Input maxLength={60} data-testid="store-create-city" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="timeZone" label={t('store.timeZone')} rules={required}>
              <Select showSearch options={commonTimeZones.map((zone) => ({ value: zone, label: zone }))} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="address" label={t('store.address')} rules={required}>
              <Input maxLength={300} data-testid="store-create-address" />
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
              <InputNumber min={1} max={500_000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="phone" label={t('store.phone')}>
              <Input maxLength={40} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
