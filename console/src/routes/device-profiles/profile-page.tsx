// One device profile: its alarm rules (editor beside the test bench) and its settings.
import { DeleteOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Breadcrumb, Button, Card, Col, Flex, Form, Popconfirm, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api-client.ts';
import type { AlarmRule, DeviceProfile } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showSuccess } from '../../lib/feedback.ts';
import { applyFormErrors } from '../../lib/form-errors.ts';
import { DeviceKindIcon, deviceKindLabel } from '../devices/device-kind.tsx';
import { AlarmRulesCard } from './alarm-rules-card.tsx';
import { ProfileFields, type ProfileFormValues, profileBody, profileFormValues } from './profile-form.tsx';
import { profileKeys, useProfile, useProfileRules } from './profile-queries.ts';
import type { ProfileTab } from './routes.ts';
import { RuleTestPanel } from './rule-test-panel.tsx';
import { telemetryKeys } from './rule-model.ts';

const routeApi = getRouteApi('/signed-in/device-profiles/$profileId');

function ProfileSettingsCard({ profile, rules }: { profile: DeviceProfile; rules: AlarmRule[] }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const editable = can('devices:profiles');
  const [form] = Form.useForm<ProfileFormValues>();
  useEffect(() => form.setFieldsValue(profileFormValues(profile)), [form, profile]);
  const save = useMutation({
    mutationFn: (patch: Record<string, unknown>) => api.patch<DeviceProfile>(`/device-profiles/${profile.id}`, patch),
    onSuccess: async (next) => {
      queryClient.setQueryData(profileKeys.detail(profile.id), next);
      showSuccess(t('common.saved'));
      await queryClient.invalidateQueries({ queryKey: profileKeys.all });
      await queryClient.invalidateQueries({ queryKey: ['devices'] });
    },
    onError: (error) => applyFormErrors(form, error),
  });
  const remove = useMutation({
    mutationFn: () => api.delete<void>(`/device-profiles/${profile.id}`),
    onSuccess: async () => {
      showSuccess(t('common.deleted'));
      await queryClient.invalidateQueries({ queryKey: profileKeys.all });
      void navigate({ to: '/device-profiles' });
    },
  });

  return (
    <Card
      title={t('profiles.settings')}
      data-testid="profile-settings"
      extra={
        editable &&
        !profile.isDefault && (
          <Popconfirm
            title={t('profiles.deleteConfirm', { name: profile.name })}
            description={t('profiles.deleteHelp')}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove.mutateAsync().catch(() => undefined)}
          >
            <Button danger icon={<DeleteOutlined />}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        )
      }
    >
      <Form<ProfileFormValues>
        form={form}
        layout="vertical"
        initialValues={profileFormValues(profile)}
        onFinish={(values) => {
          const patch = profileBody(values, profile);
          if (Object.keys(patch).length === 0) return;
          save.mutate(patch);
        }}
        data-testid="profile-settings-form"
      >
        <ProfileFields form={form} disabled={!editable} chartKeySuggestions={telemetryKeys(rules)} />
        {editable && (
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="profile-save">
            {t('common.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}

/** The device profile screen. */
export function ProfilePage() {
  const { t } = useTranslation();
  const { profileId } = routeApi.useParams();
  const { tab = 'rules' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const profile = useProfile(profileId);
  const rules = useProfileRules(profileId);
  const saved = rules.data?.rules;
  const [draft, setDraft] = useState<AlarmRule[] | null>(null);
  // the draft starts as (and returns to, after a save elsewhere) the stored rules
  useEffect(() => {
    if (saved) setDraft(saved);
  }, [saved]);

  if (profile.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (profile.isError) {
    const notFound = profile.error instanceof ApiError && profile.error.status === 404;
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={notFound ? t('profiles.notFound') : t('errors.loadFailed')}
        extra={<Link to="/device-profiles">{t('nav.deviceProfiles')}</Link>}
      />
    );
  }
  const data = profile.data;
  const dirty = draft !== null && saved !== undefined && JSON.stringify(draft) !== JSON.stringify(saved);

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="profile-page">
      <Breadcrumb items={[{ title: <Link to="/device-profiles">{t('nav.deviceProfiles')}</Link> }, { title: data.name }]} />
      <Card>
        <Flex gap={12} align="center" wrap>
          <DeviceKindIcon kind={data.kind} size={44} />
          <div style={{ minWidth: 0 }}>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="profile-title">
              {data.name}
            </Typography.Title>
            <Space wrap size={[8, 4]} style={{ marginTop: 4 }}>
              <Tag>{deviceKindLabel(t, data.kind)}</Tag>
              {data.isDefault && <Tag color="blue">{t('profiles.default')}</Tag>}
              <Typography.Text type="secondary">{t('profiles.rulesN', { count: data.alarmRuleCount })}</Typography.Text>
              {data.description && <Typography.Text type="secondary">· {data.description}</Typography.Text>}
            </Space>
          </div>
        </Flex>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={(key) => void navigate({ search: { tab: key === 'rules' ? undefined : (key as ProfileTab) }, replace: true })}
        items={[
          {
            key: 'rules',
            label: <span data-testid="profile-tab-rules">{t('profiles.tabs.rules')}</span>,
            children:
              rules.isPending || !draft || !saved ? (
                <Skeleton active paragraph={{ rows: 8 }} />
              ) : (
                <Row gutter={[16, 16]}>
                  <Col xs={24} xl={14}>
                    <AlarmRulesCard profile={data} saved={saved} draft={draft} onDraftChange={setDraft} />
                  </Col>
                  <Col xs={24} xl={10}>
                    <RuleTestPanel profileId={profileId} draft={draft} dirty={dirty} />
                  </Col>
                </Row>
              ),
          },
          {
            key: 'settings',
            label: <span data-testid="profile-tab-settings">{t('profiles.tabs.settings')}</span>,
            children: <ProfileSettingsCard profile={data} rules={saved ?? []} />,
          },
        ]}
      />
    </Space>
  );
}
