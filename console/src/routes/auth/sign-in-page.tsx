// Sign-in: email and password, the tenant hidden under "more" (needed only when one email
// belongs to several tenants).
import { getRouteApi, useRouter } from '@tanstack/react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { type SignInInput, useAuth } from '../../lib/auth.tsx';
import { applyFormErrors } from '../../lib/form-errors.ts';

const routeApi = getRouteApi('/sign-in');

/** Only a path on this site may be returned to after sign-in (no open redirect). */
function safeRedirect(target: string | undefined): string {
  return target?.startsWith('/') && !target.startsWith('//') && !target.startsWith('/sign-in') ? target : '/';
}

/** The sign-in screen. */
export function SignInPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const { redirect } = routeApi.useSearch();
  const [form] = Form.useForm<SignInInput>();
  const [showMore, setShowMore] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const router = useRouter();

  const onFinish = async (values: SignInInput) => {
    setSubmitting(true);
    setFailure(null);
    try {
      await signIn({ ...values, tenant: values.tenant?.trim() || undefined });
      // back to where the visitor was going before sign-in stopped them
      router.history.replace(safeRedirect(redirect));
    } catch (error) {
      if (!applyFormErrors(form, error)) {
        setFailure(error instanceof ApiError && error.code !== 'network' ? error.message : t('errors.network'));
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        padding: 16,
        background: 'linear-gradient(160deg, #e6f4ff 0%, #f5f5f5 60%)',
      }}
    >
      <div style={{ position: 'absolute', top: 8, right: 8 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: '100%', maxWidth: 380 }} data-testid="sign-in-card">
        <div style={{ display: 'flex', alignItems: 'center', gap: 10, marginBottom: 4 }}>
          <img src="/favicon.svg" alt="" width={32} height={32} />
          <Typography.Title level={3} style={{ margin: 0 }}>
            StoreOS
          </Typography.Title>
        </div>
        <Typography.Paragraph type="secondary">{t('auth.subtitle')}</Typography.Paragraph>
        {failure && <Alert type="error" title={failure} showIcon style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
        <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
          <Form.Item
            name="email"
            label={t('auth.email')}
            rules={[
              { required: true, message: t('validation.required') },
              { type: 'email', message: t('validation.email') },
            ]}
          >
            <Input autoComplete="username" inputMode="email" data-testid="sign-in-email" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input.Password autoComplete="current-password" data-testid="sign-in-password" />
          </Form.Item>
          {showMore ? (
            <Form.Item name="tenant" label={t('auth.tenant')} extra={t('auth.tenantHelp')}>
              <Input autoComplete="organization" data-testid="sign-in-tenant" />
            </Form.Item>
          ) : (
            <Button type="link" size="small" style={{ padding: 0, marginBottom: 16 }} onClick={() => setShowMore(true)} data-testid="sign-in-more">
              {t('auth.more')}
            </Button>
          )}
          <Button type="primary" htmlType="submit" block loading={submitting} data-testid="sign-in-submit">
            {t('auth.signIn')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
