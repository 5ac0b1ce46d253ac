// Merge another person into this one (POST /profiles/{id}/merge): name them by profile id or by an identifier.
import { Alert, Form, Input, Modal, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { identifierLabel } from '../customer-labels.tsx';
import { identifierTypes, type Profile } from '../customer-types.ts';
import { useProfileMutation } from './profile-queries.ts';

interface MergeForm {
  by: string;
  value: string;
}

/** The merge dialog; answers the merged person (the older of the two keeps its id). */
export function MergeDialog({ profileId, onClose, onMerged }: { profileId: string; onClose: () => void; onMerged: (p: Profile) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<MergeForm>();
  const merge = useProfileMutation(async (values: MergeForm) => {
    const value = values.value.trim();
    const other = values.by === 'profile_id' ? value : (await api.get<Profile>('/profiles/lookup', { type: values.by, value })).id;
    return api.post<Profile>(`/profiles/${profileId}/merge`, { otherProfileId: other });
  });
  return (
    <Modal
      open
      title={t('customers.merge.title')}
      okText={t('customers.merge.ok')}
      cancelText={t('common.cancel')}
      confirmLoading={merge.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Alert type="warning" showIcon title={t('customers.merge.help')} style={{ marginBottom: 12 }} />
      <Form<MergeForm>
        form={form}
        layout="vertical"
        initialValues={{ by: 'profile_id' }}
        onFinish={(values) =>
          merge.mutate(values, {
            onSuccess: (merged) => {
              showSuccess(t('customers.merge.done'));
              onClose();
              onMerged(merged);
            },
          })
        }
      >
        <Form.Item name="by" label={t('customers.merge.by')}>
          <Select
            options={[
              { value: 'profile_id', label: t('customers.merge.profileId') },
              ...identifierTypes.map((i) => ({ value: i, label: identifierLabel(t, i) })),
            ]}
          />
        </Form.Item>
        <Form.Item name="value" label={t('customers.merge.value')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
