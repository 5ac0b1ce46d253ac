// A user's grants (role at an org unit): remove one, add one (POST/DELETE /users/{id}/grants).
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Divider, Form, Modal, Popconfirm, Row, Select, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../components/item-list.tsx';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { api } from '../../lib/api-client.ts';
import type { User } from '../../lib/api-types.ts';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { roleLabel, useRoles } from '../../lib/roles.ts';
import { useUserMutation } from './user-queries.ts';

interface GrantForm {
  role: string;
  orgUnitId: string;
}

/** The grants dialog of one user. */
export function UserGrantsDialog({ user: initial, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const roles = useRoles();
  const [form] = Form.useForm<GrantForm>();
  // the answer of each change is the updated user: show it at once
  const [user, setUser] = useState(initial);
  const add = useUserMutation((values: GrantForm) => api.post<User>(`/users/${user?.id}/grants`, values));
  const remove = useUserMutation((grantId: string) => api.delete<User>(`/users/${user?.id}/grants/${grantId}`));
  if (!user) return null;

  return (
    <Modal open title={t('users.grantsOf', { name: user.name })} onCancel={onClose} footer={null} destroyOnHidden>
      <ItemList
        items={user.grants}
        rowKey={(grant) => grant.id}
        emptyText={t('home.noGrants')}
        itemTestId="grant-item"
        renderItem={(grant) => (
          <>
            <Tag color="blue">{roleLabel(t, grant.role)}</Tag> {grant.orgUnitName}
          </>
        )}
        renderExtra={(grant) => (
          <Popconfirm
            title={t('users.removeGrantConfirm')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={
              () =>
                remove
                  .mutateAsync(grant.id)
                  .then(setUser)
                  .catch(() => undefined) // already shown by the query cache
            }
          >
            <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
          </Popconfirm>
        )}
      />
      <Divider titlePlacement="start">{t('users.addGrant')}</Divider>
      <Form<GrantForm>
        form={form}
        layout="vertical"
        onFinish={(values) =>
          add.mutate(values, {
            onSuccess: (next) => {
              setUser(next);
              form.resetFields();
              showSuccess(t('common.saved'));
            },
            onError: (error) => applyFormErrors(form, error),
          })
        }
      >
        <Row gutter={12}>
          <Col xs={24} sm={10}>
            <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('validation.required') }]}>
              <Select loading={roles.isPending} options={(roles.data ?? []).map((role) => ({ value: role.role, label: roleLabel(t, role.role) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={14}>
            <Form.Item name="orgUnitId" label={t('users.orgUnit')} rules={[{ required: true, message: t('validation.required') }]}>
              <OrgUnitSelect allowClear={false} />
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={add.isPending}>
          {t('users.addGrant')}
        </Button>
      </Form>
    </Modal>
  );
}
