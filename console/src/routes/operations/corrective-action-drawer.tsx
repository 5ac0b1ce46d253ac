// One corrective action: the store works it and sends a photo for review; the auditor approves it or pushes it
// back with a note.
import { Alert, Button, Descriptions, Drawer, Flex, Input, Skeleton, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { opsApi, useCorrectiveAction, useOpsMutation } from './operations-queries.ts';
import type { CorrectiveStatus } from './operations-types.ts';
import { PhotoField } from './photo-upload.tsx';
import { ActionStatusTag } from './task-status.tsx';

/** The drawer of the corrective action `actionId` (closed when null). */
export function CorrectiveActionDrawer({ actionId, onClose }: { actionId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const action = useCorrectiveAction(actionId ?? undefined);
  const [note, setNote] = useState('');
  const [photos, setPhotos] = useState<string[] | null>(null);
  const move = useOpsMutation((to: CorrectiveStatus) =>
    opsApi.moveAction(actionId ?? '', { to, note: note.trim() || undefined, photoFileIds: photos ?? undefined, version: action.data?.version }),
  );
  const go = (to: CorrectiveStatus) =>
    move.mutate(to, {
      onSuccess: () => {
        setNote('');
        setPhotos(null);
        showSuccess(t('common.saved'));
      },
      onError: showError,
    });
  const a = action.data;
  const can = (to: CorrectiveStatus) => a?.allowed.includes(to) && (to === 'approved' || to === 'pushed_back' ? a.can.review : a.can.work);

  return (
    <Drawer
      open={actionId !== null}
      onClose={onClose}
      size={isPhone ? '100%' : 520}
      title={a?.itemLabel ?? t('operations.actions.title')}
      data-testid="action-drawer"
    >
      {!a ? (
        <Skeleton active />
      ) : (
        <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
          <Descriptions size="small" column={1} bordered>
            <Descriptions.Item label={t('operations.task.store')}>{`${a.storeName} (${a.storeCode})`}</Descriptions.Item>
            <Descriptions.Item label={t('operations.actions.status')}>
              <ActionStatusTag status={a.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('operations.task.due')}>{formatDateTime(a.dueAt, language)}</Descriptions.Item>
            {a.note && <Descriptions.Item label={t('operations.actions.note')}>{a.note}</Descriptions.Item>}
          </Descriptions>
          {a.reviewNote && a.status === 'pushed_back' && <Alert type="warning" showIcon title={a.reviewNote} />}
          <PhotoField
            value={photos ?? a.photoFileIds}
            onChange={setPhotos}
            orgUnitId={a.storeOrgUnitId}
            known={a.photos}
            disabled={!a.can.work || a.status === 'approved'}
            testId="action-photos"
          />
          {a.allowed.length > 0 && (
            <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('operations.actions.notePlaceholder')} />
          )}
          <Flex gap={8} wrap>
            {(['in_progress', 'pending_review', 'approved', 'pushed_back'] as const).filter(can).map((to) => (
              <Button
                key={to}
                type={to === 'approved' || to === 'pending_review' ? 'primary' : 'default'}
                danger={to === 'pushed_back'}
                loading={move.isPending}
                onClick={() => go(to)}
                data-testid={`action-to-${to}`}
              >
                {t(`operations.actions.to.${to}`)}
              </Button>
            ))}
          </Flex>
        </Space>
      )}
    </Drawer>
  );
}
