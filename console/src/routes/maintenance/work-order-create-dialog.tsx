// Opening a work order by hand: store, asset, title, priority, checklist.
import { useNavigate } from '@tanstack/react-router';
import { Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { showError } from '../../lib/feedback.ts';
import { StoreSelect } from '../devices/store-select.tsx';
import { useAssets, useCreateWorkOrder } from './maintenance-queries.ts';
import { priorities } from './maintenance-types.ts';

interface Values {
  storeId: string;
  assetId?: string;
  title: string;
  description?: string;
  priority: string;
  checklist?: string;
}

/** The dialog; on success it opens the new work order's page. */
export function WorkOrderCreateDialog({ open, storeId, assetId, onClose }: { open: boolean; storeId?: string; assetId?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const chosenStore = Form.useWatch('storeId', form) ?? storeId;
  const assets = useAssets({ storeId: chosenStore });
  const create = useCreateWorkOrder();
  const navigate = useNavigate();

  const submit = async (values: Values) => {
    try {
      const wo = await create.mutateAsync({
        storeId: values.storeId,
        assetId: values.assetId || null,
        title: values.title,
        description: values.description || null,
        priority: values.priority,
        checklist: (values.checklist ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      });
      form.resetFields();
      onClose();
      void navigate({ to: '/maintenance/work-orders/$workOrderId', params: { workOrderId: wo.id } });
    } catch (err) {
      showError(err);
    }
  };

  return (
    <Modal open={open} title={t('maintenance.newWorkOrder')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ storeId, assetId, priority: 'medium' }}>
        <Form.Item name="storeId" label={t('maintenance.field.store')} rules={[{ required: true }]}>
          <StoreSelect testId="wo-store" />
        </Form.Item>
        <Form.Item name="assetId" label={t('maintenance.field.asset')}>
          <Select allowClear options={(assets.data ?? []).map((a) => ({ value: a.id, label: a.name }))} data-testid="wo-asset" />
        </Form.Item>
        <Form.Item name="title" label={t('maintenance.field.title')} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="wo-title" />
        </Form.Item>
        <Form.Item name="priority" label={t('maintenance.field.priority')} rules={[{ required: true }]}>
          <Select options={priorities.map((p) => ({ value: p, label: t(`maintenance.priority.${p}`) }))} />
        </Form.Item>
        <Form.Item name="description" label={t('maintenance.field.description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="checklist" label={t('maintenance.field.checklist')} extra={t('maintenance.field.checklistHint')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
