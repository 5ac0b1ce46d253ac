// The assets in the caller's scope, with a search, a store filter and a dialog to register one.
import { PlusOutlined } from '@ant-design/icons';
import { Link } from '@tanstack/react-router';
import { Button, Card, DatePicker, Flex, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { showError } from '../../lib/feedback.ts';
import { StoreSelect } from '../devices/store-select.tsx';
import { useAssetActions, useAssets } from './maintenance-queries.ts';
import { type Asset, assetCategories, isKnownCategory } from './maintenance-types.ts';
import { AssetStatusTag } from './work-order-tags.tsx';

interface AssetValues {
  storeId: string;
  name: string;
  category: string;
  make?: string;
  model?: string;
  serial?: string;
  installedOn?: Dayjs;
  warrantyEnd?: Dayjs;
}

function AssetCreateDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AssetValues>();
  const { create } = useAssetActions();
  const submit = async (v: AssetValues) => {
    try {
      await create.mutateAsync({
        storeId: v.storeId,
        name: v.name,
        category: v.category,
        make: v.make || null,
        model: v.model || null,
        serial: v.serial || null,
        installedOn: v.installedOn?.format('YYYY-MM-DD') ?? null,
        warrantyEnd: v.warrantyEnd?.format('YYYY-MM-DD') ?? null,
      });
      form.resetFields();
      onClose();
    } catch (err) {
      showError(err);
    }
  };
  return (
    <Modal open={open} title={t('maintenance.newAsset')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ category: 'refrigeration' }}>
        <Form.Item name="storeId" label={t('maintenance.field.store')} rules={[{ required: true }]}>
          <StoreSelect />
        </Form.Item>
        <Form.Item name="name" label={t('maintenance.field.name')} rules={[{ required: true, max: 120 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="category" label={t('maintenance.field.category')} rules={[{ required: true }]}>
          <Select options={assetCategories.map((c) => ({ value: c, label: t(`maintenance.category.${c}`) }))} />
        </Form.Item>
        <Flex gap={8}>
          <Form.Item name="make" label={t('maintenance.field.make')} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="model" label={t('maintenance.field.model')} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
        </Flex>
        <Form.Item name="serial" label={t('maintenance.field.serial')}>
          <Input />
        </Form.Item>
        <Flex gap={8}>
          <Form.Item name="installedOn" label={t('maintenance.field.installedOn')} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="warrantyEnd" label={t('maintenance.field.warrantyEnd')} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Flex>
      </Form>
    </Modal>
  );
}

/** The asset list page. */
export function AssetListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [storeId, setStoreId] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const assets = useAssets({ storeId, q: q || undefined });
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="asset-list">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('maintenance.assets')}
        </Typography.Title>
        <Space wrap>
          <StoreSelect value={storeId} onChange={setStoreId} placeholder={t('maintenance.allStores')} style={{ minWidth: 200 }} />
          <Input.Search allowClear onSearch={setQ} style={{ width: 180 }} />
          {can('maintenance:write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('maintenance.newAsset')}
            </Button>
          )}
        </Space>
      </Flex>
      <Card styles={{ body: { padding: 0 } }}>
        <Table<Asset>
          rowKey="id"
          loading={assets.isPending}
          dataSource={assets.data ?? []}
          pagination={{ pageSize: 50 }}
          scroll={{ x: true }}
          columns={[
            {
              title: t('maintenance.field.name'),
              dataIndex: 'name',
              render: (name: string, a) => (
                <Link to="/maintenance/assets/$assetId" params={{ assetId: a.id }}>
                  {name}
                </Link>
              ),
            },
            { title: t('maintenance.field.category'), dataIndex: 'category', render: (c: string) => (isKnownCategory(c) ? t(`maintenance.category.${c}`) : c) },
            { title: t('maintenance.field.store'), dataIndex: 'storeName', responsive: ['md'] },
            { title: t('maintenance.field.model'), render: (_v, a) => [a.make, a.model].filter(Boolean).join(' '), responsive: ['lg'] },
            { title: t('maintenance.field.status'), dataIndex: 'status', render: (s: Asset['status']) => <AssetStatusTag status={s} /> },
          ]}
        />
      </Card>
      <AssetCreateDialog open={creating} onClose={() => setCreating(false)} />
    </Space>
  );
}
