// The page behind an asset's QR code: anyone can report a fault with a photo, no sign-in.
import { CameraOutlined, CheckCircleOutlined } from '@ant-design/icons';
import { getRouteApi } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Result, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, apiRequest } from '../../lib/api-client.ts';
import { LanguageSwitch } from '../../components/language-switch.tsx';

const routeApi = getRouteApi('/r/$token');

/** The public request form. */
export function PublicRequestPage() {
  const { t } = useTranslation();
  const { token } = routeApi.useParams();
  const asset = useQuery({
    queryKey: ['public-asset', token],
    queryFn: () => api.get<{ assetName: string; storeName: string; category: string }>(`/public/assets/${token}`),
    retry: false,
  });
  const [photoIds, setPhotoIds] = useState<string[]>([]);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const explain = (err: unknown) =>
    setError(err instanceof ApiError && err.status === 429 ? t('maintenance.public.tooMany') : err instanceof Error ? err.message : String(err));
  const submit = async (v: { description: string; reporterName?: string; reporterContact?: string }) => {
    setBusy(true);
    try {
      await api.post(`/public/assets/${token}/requests`, { ...v, photoIds });
      setSent(true);
    } catch (err) {
      explain(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 16 }} data-testid="public-request">
      <div style={{ textAlign: 'right' }}>
        <LanguageSwitch />
      </div>
      {asset.isError ? (
        <Result status="404" title={t('maintenance.public.unknown')} />
      ) : sent ? (
        <Result icon={<CheckCircleOutlined />} status="success" title={t('maintenance.public.thanks')} />
      ) : (
        <Card title={t('maintenance.public.title')} loading={asset.isPending}>
          <p>
            <strong>{asset.data?.assetName}</strong> · {asset.data?.storeName}
          </p>
          {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
          <Form layout="vertical" onFinish={submit}>
            <Form.Item name="description" label={t('maintenance.public.describe')} rules={[{ required: true, max: 2000 }]}>
              <Input.TextArea rows={4} />
            </Form.Item>
            <Form.Item name="reporterName" label={t('maintenance.public.name')}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="reporterContact" label={t('maintenance.public.contact')}>
              <Input maxLength={100} />
            </Form.Item>
            <Upload
              accept="image/*"
              listType="picture"
              maxCount={5}
              customRequest={({ file, onSuccess, onError }) => {
                const blob = file as File;
                apiRequest<{ id: string }>('POST', `/public/assets/${token}/photos`, { query: { name: blob.name }, body: blob, contentType: blob.type })
                  .then((ref) => {
                    setPhotoIds((ids) => [...ids, ref.id]);
                    onSuccess?.(ref);
                  })
                  .catch((err: Error) => {
                    explain(err);
                    onError?.(err);
                  });
              }}
            >
              <Button icon={<CameraOutlined />}>{t('maintenance.public.photo')}</Button>
            </Upload>
            <Button type="primary" htmlType="submit" block loading={busy} style={{ marginTop: 16 }}>
              {t('maintenance.public.send')}
            </Button>
          </Form>
        </Card>
      )}
    </div>
  );
}
