// The tenant's device profiles: a table on desktop, cards on phones; create (devices:profiles).
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Card, Flex, Form, Modal, Space, Switch, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api-client.ts';
import type { DeviceProfile } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { DeviceKindIcon, deviceKindLabel } from '../devices/device-kind.tsx';
import { useDeviceProfiles } from '../devices/device-queries.ts';
import { ProfileFields, type ProfileFormValues, profileBody, profileFormValues } from './profile-form.tsx';
import { profileKeys } from './profile-queries.ts';

function ProfileCreateDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<ProfileFormValues>();
  const create = useMutation({
    // left out, the server gives a profile of a known kind that kind's default alarm rules; [] starts with none
    mutationFn: (values: ProfileFormValues) =>
      api.post<DeviceProfile>('/device-profiles', { ...profileBody(values, null), ...(values.defaultRules === false ? { alarmRules: [] } : {}) }),
    onSuccess: async (profile) => {
      showSuccess(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: profileKeys.all });
      onClose();
      void navigate({ to: '/device-profiles/$profileId', params: { profileId: profile.id } });
    },
    onError: (error) => applyFormErrors(form, error),
  });
  return (
    <Modal
      open
      width={640}
      title={t('profiles.create')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('profiles.createHelp')}</Typography.Paragraph>
      <Form<ProfileFormValues>
        form={form}
        layout="vertical"
        initialValues={{ ...profileFormValues(null), defaultRules: true }}
        onFinish={(values) => create.mutate(values)}
        data-testid="profile-form"
      >
        <ProfileFields form={form} />
        <Form.Item name="defaultRules" label={t('profiles.defaultRules')} valuePropName="checked" extra={t('profiles.defaultRulesHelp')}>
          <Switch data-testid="profile-default-rules" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The device profiles screen. */
export function ProfileListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const isPhone = useIsPhone();
  const navigate = useNavigate();
  const profiles = useDeviceProfiles();
  const [creating, setCreating] = useState(false);
  const open = (profile: DeviceProfile) => void navigate({ to: '/device-profiles/$profileId', params: { profileId: profile.id } });

  const columns: TableColumnsType<DeviceProfile> = [
    {
      key: 'name',
      title: t('profiles.name'),
      render: (_value, profile) => (
        <Flex gap={8} align="center">
          <DeviceKindIcon kind={profile.kind} size={26} />
          <Link to="/device-profiles/$profileId" params={{ profileId: profile.id }} data-testid="profile-name-link">
            {profile.name}
          </Link>
          {profile.isDefault && <Tag color="blue">{t('profiles.default')}</Tag>}
        </Flex>
      ),
    },
    { key: 'kind', title: t('profiles.kind'), width: 120, render: (_value, profile) => deviceKindLabel(t, profile.kind) },
    { key: 'rules', title: t('profiles.ruleCount'), width: 110, align: 'right', render: (_value, profile) => profile.alarmRuleCount },
    {
      key: 'retention',
      title: t('profiles.retention'),
      width: 130,
      align: 'right',
      render: (_value, profile) => t('device.days', { count: profile.telemetryRetentionDays }),
    },
    {
      key: 'inactivity',
      title: t('profiles.inactivity'),
      width: 150,
      align: 'right',
      render: (_value, profile) => t('device.seconds', { count: profile.inactivityTimeoutSeconds }),
    },
    {
      key: 'provisioning',
      title: t('profiles.provisioning'),
      width: 170,
      render: (_value, profile) => t(`profiles.strategy.${profile.provisionStrategy as 'disabled'}`, { defaultValue: profile.provisionStrategy }),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="profile-list-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('profiles.title')}
        </Typography.Title>
        {can('devices:profiles') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="profile-create">
            {t('profiles.create')}
          </Button>
        )}
      </Flex>
      {isPhone ? (
        <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
          {(profiles.data ?? []).map((profile) => (
            <Card key={profile.id} size="small" hoverable onClick={() => open(profile)} data-testid="profile-card">
              <Flex gap={10} align="center">
                <DeviceKindIcon kind={profile.kind} />
                <div style={{ minWidth: 0, flex: 1 }}>
                  <Typography.Text strong>{profile.name}</Typography.Text> {profile.isDefault && <Tag color="blue">{t('profiles.default')}</Tag>}
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {deviceKindLabel(t, profile.kind)} · {t('profiles.rulesN', { count: profile.alarmRuleCount })} ·{' '}
                      {t('device.days', { count: profile.telemetryRetentionDays })}
                    </Typography.Text>
                  </div>
                </div>
              </Flex>
            </Card>
          ))}
        </Space>
      ) : (
        <Card>
          <Table<DeviceProfile>
            rowKey="id"
            columns={columns}
            dataSource={profiles.data ?? []}
            loading={profiles.isPending}
            pagination={false}
            scroll={{ x: 860 }}
            onRow={(profile) => ({
              style: { cursor: 'pointer' },
              onClick: (event) => {
                if ((event.target as HTMLElement).closest('a')) return;
                open(profile);
              },
            })}
            data-testid="profile-table"
          />
        </Card>
      )}
      {creating && <ProfileCreateDialog onClose={() => setCreating(false)} />}
    </Space>
  );
}
