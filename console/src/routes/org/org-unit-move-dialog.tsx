// Move an org unit, with its whole subtree and its stores, under another parent (PATCH /org-units/{id}).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { api } from '../../lib/api-client.ts';
import type { OrgUnit } from '../../lib/api-types.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { orgUnitName, orgUnitsQueryKey } from '../../lib/org-units.ts';

/** The ids of a unit and everything below it: none of them can be its new parent. */
function subtreeIds(unit: OrgUnit, units: readonly OrgUnit[]): Set<string> {
  const ids = new Set([unit.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const candidate of units) {
      if (candidate.parentId && ids.has(candidate.parentId) && !ids.has(candidate.id)) {
        ids.add(candidate.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** The move dialog of an org unit. */
export function OrgUnitMoveDialog({ unit, units, onClose }: { unit: OrgUnit; units: readonly OrgUnit[]; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ parentId: string }>();
  const below = subtreeIds(unit, units);
  const move = useMutation({
    mutationFn: (parentId: string) => api.patch<OrgUnit>(`/org-units/${unit.id}`, { parentId }),
    onSuccess: async () => {
      showSuccess(t('org.moved', { name: orgUnitName(unit, language) }));
      await queryClient.invalidateQueries({ queryKey: orgUnitsQueryKey });
      // stores follow their unit: lists, summaries and a moved store's page show the new parent
      await queryClient.invalidateQueries({ queryKey: ['stores'] });
      onClose();
    },
    onError: (error) => applyFormErrors(form, error),
  });

  return (
    <Modal
      open
      title={t('org.moveTitle', { name: orgUnitName(unit, language) })}
      okText={t('org.move')}
      cancelText={t('common.cancel')}
      confirmLoading={move.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={unit.kind === 'store' ? t('org.moveStoreHelp') : t('org.moveHelp')} style={{ marginBottom: 12 }} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ parentId: unit.parentId ?? undefined }}
        onFinish={(values) => move.mutate(values.parentId)}
        data-testid="org-move-form"
      >
        <Form.Item
          name="parentId"
          label={t('org.newParent')}
          rules={[
            { required: true, message: t('validation.required') },
            {
              validator: (_rule, value: string | undefined) => {
                if (value && below.has(value)) return Promise.reject(new Error(t('org.moveUnderItself')));
                if (value && value === unit.parentId) return Promise.reject(new Error(t('org.moveSameParent')));
                return Promise.resolve();
              },
            },
          ]}
        >
          <OrgUnitSelect hideStores allowClear={false} testId="org-move-parent" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
