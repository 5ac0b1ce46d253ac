// Photos and signatures for checklist answers: uploaded to /files first (413 over the size limit, 415 for a
// wrong type), then attached to the answer by id.
import { CameraOutlined, DeleteOutlined } from '@ant-design/icons';
import { Button, Image, Space, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiUrl } from '../../lib/api-client.ts';
import { useSession } from '../../lib/auth.tsx';
import { showError } from '../../lib/feedback.ts';

/** A stored file as the API shows it. */
export interface FileRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

/** Sends one file's bytes to POST /files for an org unit; answers its reference. */
export async function uploadFile(file: File, orgUnitId: string, csrfToken: string): Promise<FileRef> {
  const response = await fetch(apiUrl('/files', { orgUnitId, name: file.name }), {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': csrfToken, accept: 'application/json' },
    body: file,
    credentials: 'same-origin',
  });
  const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } } & FileRef;
  if (!response.ok) throw new ApiError(response.status, body.error?.code ?? 'internal', body.error?.message ?? response.statusText);
  return body;
}

interface PhotoFieldProps {
  value?: string[];
  onChange?: (ids: string[]) => void;
  orgUnitId: string;
  known: FileRef[];
  max?: number;
  disabled?: boolean;
  testId?: string;
  /** Each photo gets a button that takes it off again. */
  removable?: boolean;
}

/** A row of photo thumbnails and a camera button (the phone's camera on a phone). */
export function PhotoField({ value = [], onChange, orgUnitId, known, max = 10, disabled, testId, removable }: PhotoFieldProps) {
  const { t } = useTranslation();
  const session = useSession();
  const [uploaded, setUploaded] = useState<FileRef[]>([]);
  const [busy, setBusy] = useState(false);
  const refs = [...known, ...uploaded];
  return (
    <Space wrap data-testid={testId}>
      {value.map((id) => {
        const ref = refs.find((r) => r.id === id);
        const image = <Image width={64} height={64} style={{ objectFit: 'cover' }} src={ref?.url ?? `/api/v1/files/${id}`} alt={ref?.name ?? id} />;
        if (!removable || disabled) return <span key={id}>{image}</span>;
        return (
          <Space key={id} orientation="vertical" size={2} align="center">
            {image}
            <Button
              size="small"
              type="text"
              danger
              icon={<DeleteOutlined />}
              aria-label={t('operations.task.removePhoto')}
              onClick={() => onChange?.(value.filter((v) => v !== id))}
            />
          </Space>
        );
      })}
      {!disabled && value.length < max && (
        <Upload
          accept="image/jpeg,image/png,image/webp,image/heic"
          capture="environment"
          showUploadList={false}
          beforeUpload={async (file) => {
            setBusy(true);
            try {
              const ref = await uploadFile(file, orgUnitId, session.csrfToken);
              setUploaded((list) => [...list, ref]);
              onChange?.([...value, ref.id]);
            } catch (error) {
              showError(error);
            } finally {
              setBusy(false);
            }
            return false;
          }}
        >
          <Button icon={<CameraOutlined />} loading={busy} data-testid={testId ? `${testId}-add` : undefined}>
            {t('operations.task.addPhoto')}
          </Button>
        </Upload>
      )}
    </Space>
  );
}
