// Set or remove one trait of a person by hand (PATCH /profiles/{id}/traits): the value is typed as text, a number or
// yes/no; the change is kept in the trait history with the editor as its source. Mistakes are shown under the field,
// and what the server refuses in the dialog.
import { Alert, AutoComplete, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../../lib/api-client.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { applyFormErrors } from '../../../lib/form-errors.ts';
import type { Profile } from '../customer-types.ts';
import { useProfileMutation } from './profile-queries.ts';

type ValueKind = 'text' | 'number' | 'boolean';

interface TraitForm {
  key: string;
  action: 'set' | 'remove';
  kind: ValueKind;
  value?: string;
}

/** The longest trait key the API takes. */
const maxKeyLength = 100;

const kindOf = (value: unknown): ValueKind => (typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text');
const textOf = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);

function traitValue(form: TraitForm): unknown {
  if (form.action === 'remove') return null;
  if (form.kind === 'number') return Number(form.value);
  if (form.kind === 'boolean') return form.value === 'true';
  return form.value ?? '';
}

/** The trait dialog; `initialKey` opens it on an existing trait. */
export function TraitEditDialog({ profile, initialKey, onClose }: { profile: Profile; initialKey?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TraitForm>();
  const [refused, setRefused] = useState<string | null>(null);
  const action = Form.useWatch('action', form);
  const kind = Form.useWatch('kind', form);
  // Silent: the dialog shows what went wrong itself.
  const edit = useProfileMutation(
    (values: TraitForm) => api.patch<Profile>(`/profiles/${profile.id}/traits`, { traits: { [values.key.trim()]: traitValue(values) } }),
    { silent: true },
  );

  // Picking an existing trait fills in its current value and kind.
  const pick = (key: string) => {
    const current = profile.traits[key.trim()];
    if (current === undefined) return;
    form.setFieldsValue({ kind: kindOf(current), value: textOf(current) });
  };
  const initial = initialKey === undefined ? undefined : profile.traits[initialKey];

  return (
    <Modal
      open
      title={t('customers.traitEdit.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={edit.isPending}
      okButtonProps={{ danger: action === 'remove', ...{ 'data-testid': 'trait-edit-save' } }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {refused && <Alert type="error" showIcon title={refused} style={{ marginBottom: 12 }} data-testid="trait-edit-refused" />}
      <Form<TraitForm>
        form={form}
        layout="vertical"
        data-testid="trait-edit-form"
        initialValues={{ key: initialKey, action: 'set', kind: kindOf(initial), value: textOf(initial) }}
        onValuesChange={() => setRefused(null)}
        onFinish={(values) =>
          edit.mutate(values, {
            onSuccess: () => {
              showSuccess(values.action === 'remove' ? t('customers.traitEdit.removed') : t('customers.traitEdit.saved'));
              onClose();
            },
            onError: (error) => {
              if (applyFormErrors(form, error)) return;
              setRefused(error instanceof ApiError && error.code !== 'network' ? error.message : t('errors.network'));
            },
          })
        }
      >
        <Form.Item
          name="key"
          label={t('customers.traits.key')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: maxKeyLength, message: t('customers.traitEdit.keyTooLong', { count: maxKeyLength }) },
          ]}
        >
          <AutoComplete
            options={Object.keys(profile.traits)
              .sort()
              .map((k) => ({ value: k }))}
            onSelect={pick}
            onBlur={() => pick(form.getFieldValue('key') ?? '')}
            filterOption={(input, option) => (option?.value ?? '').toLowerCase().includes(input.toLowerCase())}
          >
            <Input autoComplete="off" data-testid="trait-edit-key" />
          </AutoComplete>
        </Form.Item>
        <Form.Item name="action" label={t('customers.traitEdit.action')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'set', label: t('customers.traitEdit.set') },
              { value: 'remove', label: t('customers.traitEdit.remove') },
            ]}
          />
        </Form.Item>
        {action !== 'remove' && (
          <>
            <Form.Item name="kind" label={t('customers.traitEdit.kind')}>
              <Radio.Group
                optionType="button"
                onChange={() => form.setFieldValue('value', undefined)}
                options={[
                  { value: 'text', label: t('customers.traitEdit.text') },
                  { value: 'number', label: t('customers.traitEdit.number') },
                  { value: 'boolean', label: t('customers.traitEdit.boolean') },
                ]}
              />
            </Form.Item>
            {kind === 'boolean' ? (
              <Form.Item name="value" label={t('customers.traits.value')} rules={[{ required: true, message: t('validation.required') }]}>
                <Select
                  data-testid="trait-edit-boolean"
                  options={[
                    { value: 'true', label: t('customers.traitEdit.yes') },
                    { value: 'false', label: t('customers.traitEdit.no') },
                  ]}
                />
              </Form.Item>
            ) : (
              <Form.Item
                name="value"
                label={t('customers.traits.value')}
                rules={[
                  { required: true, whitespace: kind !== 'number', message: t('validation.required') },
                  {
                    validator: (_rule, value: string | undefined) =>
                      kind !== 'number' || value === undefined || value.trim() === '' || Number.isFinite(Number(value))
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('customers.traitEdit.notNumber'))),
                  },
                ]}
              >
                <Input autoComplete="off" inputMode={kind === 'number' ? 'decimal' : undefined} data-testid="trait-edit-value" />
              </Form.Item>
            )}
          </>
        )}
      </Form>
    </Modal>
  );
}
