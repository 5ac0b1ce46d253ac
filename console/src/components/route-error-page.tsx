import { type ErrorComponentProps, useRouter } from '@tanstack/react-router';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../lib/api-client.ts';

/** What a route shows when loading it failed (the server is down, the session check erred). */
export function RouteErrorPage({ error }: ErrorComponentProps) {
  const { t } = useTranslation();
  const router = useRouter();
  const message = error instanceof ApiError && error.code === 'network' ? t('errors.network') : error instanceof Error ? error.message : String(error);
  return (
    <Result
      status="error"
      title={t('errors.loadFailed')}
      subTitle={message}
      extra={
        <Button type="primary" onClick={() => void router.invalidate()}>
          {t('common.retry')}
        </Button>
      }
    />
  );
}
