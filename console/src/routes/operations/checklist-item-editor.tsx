// One checklist item in the template designer: its label and type, and the rules of that type.
import { DeleteOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Flex, Form, Input, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { itemTypes } from './operations-types.ts';

/** A checklist item as the designer's form holds it (choices as a list of labels). */
export interface ItemDraft {
  key: string;
  label: string;
  type: (typeof itemTypes)[number];
  required: boolean;
  help?: string;
  min?: number;
  max?: number;
  unit?: string;
  choices?: string[];
  failing?: string[];
  minPhotos?: number;
  weight?: number;
  critical?: boolean;
}

/** The fields of the item at `name` in the designer's `items` list. */
export function ChecklistItemEditor({ name, audit, onRemove }: { name: number; audit: boolean; onRemove: () => void }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const type = Form.useWatch(['items', name, 'type'], form) as ItemDraft['type'] | undefined;
  const choices = (Form.useWatch(['items', name, 'choices'], form) as string[] | undefined) ?? [];
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Card size="small" data-testid={`designer-item-${name}`} styles={{ body: { padding: 12 } }}>
      <Flex gap={8} wrap align="start">
        <Form.Item name={[name, 'label']} label={t('operations.designer.itemLabel')} rules={required} style={{ flex: 2, minWidth: 200, marginBottom: 8 }}>
          <Input data-testid={`designer-item-${name}-label`} />
        </Form.Item>
        <Form.Item name={[name, 'type']} label={t('operations.designer.itemType')} rules={required} style={{ flex: 1, minWidth: 150, marginBottom: 8 }}>
          <Select options={itemTypes.map((v) => ({ value: v, label: t(`operations.itemType.${v}`) }))} data-testid={`designer-item-${name}-type`} />
        </Form.Item>
        <Form.Item
          name={[name, 'key']}
          label={t('operations.designer.itemKey')}
          rules={[...required, { pattern: /^[a-z0-9][a-z0-9_-]{0,39}$/, message: t('operations.designer.keyRule') }]}
          style={{ width: 140, marginBottom: 8 }}
        >
          <Input />
        </Form.Item>
        <Form.Item name={[name, 'required']} valuePropName="checked" label=" " style={{ marginBottom: 8 }}>
          <Checkbox>{t('operations.designer.required')}</Checkbox>
        </Form.Item>
        <Button icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('common.delete')} style={{ marginTop: 30 }} />
      </Flex>
      <Flex gap={8} wrap>
        {type === 'number' && (
          <>
            <Form.Item name={[name, 'min']} label={t('operations.designer.min')} style={{ marginBottom: 8 }}>
              <InputNumber />
            </Form.Item>
            <Form.Item name={[name, 'max']} label={t('operations.designer.max')} style={{ marginBottom: 8 }}>
              <InputNumber />
            </Form.Item>
            <Form.Item name={[name, 'unit']} label={t('operations.designer.unit')} style={{ width: 100, marginBottom: 8 }}>
              <Input />
            </Form.Item>
          </>
        )}
        {(type === 'single_choice' || type === 'multiple_choice') && (
          <>
            <Form.Item
              name={[name, 'choices']}
              label={t('operations.designer.choices')}
              rules={[{ type: 'array', min: 2, message: t('operations.designer.twoChoices') }]}
              style={{ flex: 1, minWidth: 220, marginBottom: 8 }}
            >
              <Select mode="tags" open={false} />
            </Form.Item>
            {audit && (
              <Form.Item name={[name, 'failing']} label={t('operations.designer.failing')} style={{ flex: 1, minWidth: 180, marginBottom: 8 }}>
                <Select mode="multiple" options={choices.map((c) => ({ value: c, label: c }))} />
              </Form.Item>
            )}
          </>
        )}
        {type === 'photo' && (
          <Form.Item name={[name, 'minPhotos']} label={t('operations.designer.minPhotos')} style={{ marginBottom: 8 }}>
            <InputNumber min={0} max={20} />
          </Form.Item>
        )}
        {audit && (
          <>
            <Form.Item name={[name, 'weight']} label={t('operations.designer.weight')} style={{ marginBottom: 8 }}>
              <InputNumber min={0} max={100} />
            </Form.Item>
            <Form.Item name={[name, 'critical']} valuePropName="checked" label=" " style={{ marginBottom: 8 }}>
              <Checkbox>{t('operations.item.critical')}</Checkbox>
            </Form.Item>
          </>
        )}
      </Flex>
    </Card>
  );
}
