// Add a child unit (POST /org-units) or rename one (PATCH /org-units/{id}).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import { type OrgUnit, type OrgUnitKind, orgUnitKinds } from '../../lib/api-types.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { orgUnitsQueryKey } from '../../lib/org-units.ts';

export type OrgUnitDialogMode = 'create' | 'rename';

interface OrgUnitForm {
  kind: OrgUnitKind;
  code: string;
  name: string;
  nameEn?: string;
}

/**
 * The kinds a new child of `parent` may have: any level below it (an area also under an area),
 * but not a store — stores are created as stores, with their unit.
 */
function childKinds(parent: OrgUnitKind): OrgUnitKind[] {
  const below = orgUnitKinds.slice(orgUnitKinds.indexOf(parent) + (parent === 'area' ? 0 : 1));
  return below.filter((kind) => kind !== 'store');
}

/** The add-child / rename dialog of an org unit. */
export function OrgUnitDialog({ mode, unit, onClose }: { mode: OrgUnitDialogMode; unit: OrgUnit; onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<OrgUnitForm>();
  const kinds = childKinds(unit.kind);

  const save = useMutation({
    mutationFn: (values: OrgUnitForm) => {
      const nameEn = values.nameEn?.trim() || undefined;
      return mode === 'create'
        ? api.post<OrgUnit>('/org-units', { parentId: unit.id, kind: values.kind, code: values.code, name: values.name, nameEn })
        : api.patch<OrgUnit>(`/org-units/${unit.id}`, { name: values.name, nameEn });
    },
    onSuccess: async () => {
      showSuccess(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: orgUnitsQueryKey });
      onClose();
    },
    onError: (error) => applyFormErrors(form, error),
  });

  return (
    <Modal
      open
      title={mode === 'create' ? t('org.addChildOf', { name: unit.name }) : t('org.rename')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<OrgUnitForm>
        form={form}
        layout="vertical"
        initialValues={mode === 'create' ? { kind: kinds[0] } : { name: unit.name, nameEn: unit.nameEn ?? undefined }}
        onFinish={(values) => save.mutate(values)}
        data-testid="org-unit-form"
      >
        {mode === 'create' && (
          <>
            <Form.Item name="kind" label={t('org.kindLabel')} rules={[{ required: true, message: t('validation.required') }]}>
              <Select options={kinds.map((kind) => ({ value: kind, label: t(`org.kind.${kind}`) }))} />
            </Form.Item>
            <Form.Item name="code" label={t('org.code')} rules={[{ required: true, message: t('validation.required') }]}>
              <Input autoComplete="off" />
            </Form.Item>
          </>
        )}
        <Form.Item name="name" label={t('org.name')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="nameEn" label={t('org.nameEn')}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
