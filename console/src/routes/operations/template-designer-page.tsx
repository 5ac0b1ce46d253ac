// The template designer: name, owner unit, instructions, time, approval, SLA and the checklist items. Saving a
// changed checklist makes a new version; tasks already sent keep theirs.
import { PlusOutlined } from '@ant-design/icons';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { Button, Card, Flex, Form, Input, InputNumber, Radio, Select, Skeleton, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { ChecklistItemEditor, type ItemDraft } from './checklist-item-editor.tsx';
import { opsApi, useOpsMutation, useTemplate } from './operations-queries.ts';
import { PhotoField } from './photo-upload.tsx';
import type { ApprovalMode, ChecklistItem, TaskTemplate, TemplateDefinition } from './operations-types.ts';

const routeApi = getRouteApi('/signed-in/operations/templates/$templateId');

interface DesignerForm {
  name: string;
  kind: 'task' | 'audit';
  orgUnitId: string;
  instructions: string;
  instructionFileIds: string[];
  estimatedMinutes: number;
  approval: ApprovalMode;
  storeManagerAfterMinutes: number | null;
  regionManagerAfterMinutes: number | null;
  passScore: number;
  items: ItemDraft[];
}

const optionValue = (i: number) => `o${i + 1}`;

/** The designer's items as the API's checklist. */
function toItems(drafts: ItemDraft[], audit: boolean): ChecklistItem[] {
  return drafts.map((d) => {
    const base = {
      key: d.key,
      label: d.label,
      type: d.type,
      required: d.required ?? true,
      weight: audit ? (d.weight ?? 1) : 1,
      critical: audit ? Boolean(d.critical) : false,
    };
    if (d.type === 'number') return { ...base, min: d.min ?? undefined, max: d.max ?? undefined, unit: d.unit || undefined };
    if (d.type === 'single_choice' || d.type === 'multiple_choice') {
      return {
        ...base,
        options: (d.choices ?? []).map((label, i) => ({ value: optionValue(i), label, ...(d.failing?.includes(label) ? { pass: false } : {}) })),
      };
    }
    if (d.type === 'photo') return { ...base, minPhotos: d.minPhotos ?? 1 };
    return base;
  });
}

function toDrafts(items: ChecklistItem[]): ItemDraft[] {
  return items.map((i) => ({ ...i, choices: i.options?.map((o) => o.label), failing: i.options?.filter((o) => o.pass === false).map((o) => o.label) }));
}

function initial(template: TaskTemplate | undefined): Partial<DesignerForm> {
  if (!template)
    return {
      kind: 'task',
      instructionFileIds: [],
      estimatedMinutes: 15,
      approval: 'none',
      storeManagerAfterMinutes: 0,
      regionManagerAfterMinutes: 240,
      passScore: 80,
      items: [{ key: 'done', label: '', type: 'checkbox', required: true }],
    };
  const d = template.definition;
  return {
    name: template.name,
    kind: template.kind,
    orgUnitId: template.orgUnitId,
    instructions: d.instructions,
    instructionFileIds: d.instructionFileIds,
    estimatedMinutes: d.estimatedMinutes,
    approval: d.approval,
    ...d.sla,
    passScore: d.passScore,
    items: toDrafts(d.items),
  };
}

/** The designer screen, for a new template (`new`) or an existing one. */
export function TemplateDesignerPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { templateId } = routeApi.useParams();
  const isNew = templateId === 'new';
  const template = useTemplate(isNew ? undefined : templateId);
  const [form] = Form.useForm<DesignerForm>();
  const kind = Form.useWatch('kind', form);
  const ownerUnitId = Form.useWatch('orgUnitId', form);
  useEffect(() => {
    if (template.data) form.setFieldsValue(initial(template.data));
  }, [template.data, form]);
  const save = useOpsMutation((v: DesignerForm) => {
    const definition: TemplateDefinition = {
      instructions: v.instructions ?? '',
      instructionFileIds: v.instructionFileIds ?? [],
      estimatedMinutes: v.estimatedMinutes,
      approval: v.approval,
      sla: { storeManagerAfterMinutes: v.storeManagerAfterMinutes ?? null, regionManagerAfterMinutes: v.regionManagerAfterMinutes ?? null },
      passScore: v.passScore ?? 80,
      items: toItems(v.items ?? [], v.kind === 'audit'),
    };
    return isNew
      ? opsApi.createTemplate({ orgUnitId: v.orgUnitId, kind: v.kind, name: v.name, definition })
      : opsApi.updateTemplate(templateId, { name: v.name, definition, version: template.data?.version });
  });

  if (!isNew && template.isPending) return <Skeleton active />;
  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="template-designer">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {isNew ? t('operations.designer.newTitle') : t('operations.designer.editTitle', { version: template.data?.version })}
      </Typography.Title>
      <Form<DesignerForm>
        form={form}
        layout="vertical"
        initialValues={initial(template.data)}
        onFinish={(values) =>
          save.mutate(values, {
            onSuccess: (saved) => {
              showSuccess(t('common.saved'));
              void navigate({ to: '/operations/templates/$templateId', params: { templateId: saved.id } });
            },
            onError: (error) => {
              applyFormErrors(form, error);
              showError(error);
            },
          })
        }
      >
        <Card size="small">
          <Flex gap={12} wrap>
            <Form.Item
              name="name"
              label={t('operations.designer.name')}
              rules={[{ required: true, message: t('validation.required') }]}
              style={{ flex: 2, minWidth: 220 }}
            >
              <Input data-testid="designer-name" />
            </Form.Item>
            <Form.Item name="kind" label={t('operations.designer.kind')} style={{ minWidth: 160 }}>
              <Radio.Group
                disabled={!isNew}
                options={[
                  { value: 'task', label: t('operations.kind.task') },
                  { value: 'audit', label: t('operations.kind.audit') },
                ]}
              />
            </Form.Item>
            <Form.Item
              name="orgUnitId"
              label={t('operations.designer.owner')}
              rules={[{ required: true, message: t('validation.required') }]}
              style={{ flex: 1, minWidth: 220 }}
            >
              <OrgUnitSelect hideStores testId="designer-owner" />
            </Form.Item>
          </Flex>
          <Form.Item name="instructions" label={t('operations.designer.instructions')}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} />
          </Form.Item>
          {/* Images go up under the owner unit, so the owner must be chosen first; every store the task reaches sees them. */}
          <Form.Item name="instructionFileIds" label={t('operations.designer.instructionImages')} extra={!ownerUnitId && t('operations.designer.ownerFirst')}>
            <PhotoField orgUnitId={ownerUnitId} known={template.data?.files ?? []} max={20} disabled={!ownerUnitId} removable testId="designer-images" />
          </Form.Item>
          <Flex gap={12} wrap>
            <Form.Item name="estimatedMinutes" label={t('operations.designer.minutes')}>
              <InputNumber min={0} max={1440} />
            </Form.Item>
            {kind !== 'audit' && (
              <>
                <Form.Item name="approval" label={t('operations.designer.approval')} style={{ minWidth: 180 }}>
                  <Select options={(['none', 'store_manager', 'region_manager'] as const).map((v) => ({ value: v, label: t(`operations.approval.${v}`) }))} />
                </Form.Item>
                <Form.Item name="storeManagerAfterMinutes" label={t('operations.designer.slaStore')}>
                  <InputNumber min={0} />
                </Form.Item>
                <Form.Item name="regionManagerAfterMinutes" label={t('operations.designer.slaRegion')}>
                  <InputNumber min={0} />
                </Form.Item>
              </>
            )}
            {kind === 'audit' && (
              <Form.Item name="passScore" label={t('operations.designer.passScore')}>
                <InputNumber min={0} max={100} />
              </Form.Item>
            )}
          </Flex>
        </Card>
        <Typography.Title level={5}>{t('operations.designer.items')}</Typography.Title>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
              {fields.map((field) => (
                <ChecklistItemEditor key={field.key} name={field.name} audit={kind === 'audit'} onRemove={() => remove(field.name)} />
              ))}
              <Button
                icon={<PlusOutlined />}
                onClick={() => add({ key: `item${fields.length + 1}`, label: '', type: 'checkbox', required: true })}
                data-testid="designer-add-item"
              >
                {t('operations.designer.addItem')}
              </Button>
            </Space>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" loading={save.isPending} style={{ marginTop: 16 }} data-testid="designer-save">
          {t('common.save')}
        </Button>
      </Form>
    </Space>
  );
}
