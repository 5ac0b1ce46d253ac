// One work order: its state and the moves it allows, checklist, time and parts, photos, the signature that
// completes it, and its full history.
import { CameraOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { getRouteApi, Link } from '@tanstack/react-router';
import { Button, Card, Checkbox, Descriptions, Flex, Image, Input, InputNumber, Modal, Skeleton, Space, Timeline, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api-client.ts';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { uploadFile, useWorkOrder, useWorkOrderActions } from './maintenance-queries.ts';
import { type PartUsed, type WorkOrderDetail, type WorkOrderStatus, workOrderStatuses } from './maintenance-types.ts';
import { SignaturePad, type SignaturePadHandle } from './signature-pad.tsx';
import { PriorityTag, WorkOrderStatusTag } from './work-order-tags.tsx';

const routeApi = getRouteApi('/signed-in/maintenance/work-orders/$workOrderId');
const sources = ['manual', 'request', 'alarm', 'pm'] as const;

/** A change refused because someone else changed the work order first says so (the page has reloaded it). */
function conflictOr(err: unknown, conflictText: string) {
  if (err instanceof ApiError && err.status === 409 && err.details.version !== undefined) showError(new Error(conflictText));
  else showError(err);
}

function Moves({ wo }: { wo: WorkOrderDetail }) {
  const { t } = useTranslation();
  const { transition } = useWorkOrderActions(wo.id);
  const [signing, setSigning] = useState(false);
  const pad = useRef<SignaturePadHandle>(null);

  const move = async (to: WorkOrderStatus, signatureFileId?: string) => {
    try {
      await transition.mutateAsync({ to, version: wo.version, signatureFileId });
      showSuccess(t(`maintenance.status.${to}`));
    } catch (err) {
      conflictOr(err, t('maintenance.conflict'));
    }
  };
  const complete = async () => {
    const blob = await pad.current?.toBlob();
    if (!blob) return showError(new Error(t('maintenance.signatureNeeded')));
    try {
      const file = await uploadFile(wo.orgUnitId, blob, 'signature.png');
      await move('COMPLETE', file.id);
      setSigning(false);
    } catch (err) {
      showError(err);
    }
  };

  return (
    <Space wrap>
      {wo.allowedTransitions.map((to) => (
        <Button
          key={to}
          type={to === 'COMPLETE' || to === 'IN_PROGRESS' ? 'primary' : 'default'}
          danger={to === 'CANCELLED'}
          loading={transition.isPending}
          data-testid={`wo-move-${to}`}
          onClick={() => (to === 'COMPLETE' && !wo.signature ? setSigning(true) : void move(to))}
        >
          {t(`maintenance.move.${to}`)}
        </Button>
      ))}
      <Modal
        open={signing}
        title={t('maintenance.field.signature')}
        onCancel={() => setSigning(false)}
        // A stroke that ends outside the pad must not throw the signature away.
        maskClosable={false}
        destroyOnHidden
        footer={
          <Button type="primary" loading={transition.isPending} data-testid="signature-ok" onClick={() => void complete()}>
            {t('maintenance.move.COMPLETE')}
          </Button>
        }
      >
        <SignaturePad ref={pad} />
      </Modal>
    </Space>
  );
}

/** Parts rows with keys of their own, so editing one part's name does not jump to another when one is removed. */
function keyed(list: PartUsed[]) {
  return list.map((part) => ({ part, key: Math.random().toString(36).slice(2) }));
}

function Work({ wo }: { wo: WorkOrderDetail }) {
  const { t } = useTranslation();
  const { update } = useWorkOrderActions(wo.id);
  const [minutes, setMinutes] = useState(wo.timeSpentMinutes);
  const [rows, setRows] = useState(() => keyed(wo.parts));
  useEffect(() => {
    setMinutes(wo.timeSpentMinutes);
    setRows(keyed(wo.parts));
  }, [wo.timeSpentMinutes, wo.parts]);
  const parts = rows.map((r) => r.part);
  const setPart = (key: string, change: Partial<PartUsed>) => setRows(rows.map((r) => (r.key === key ? { ...r, part: { ...r.part, ...change } } : r)));
  const closed = wo.status === 'COMPLETE' || wo.status === 'CANCELLED';
  const save = (body: Record<string, unknown>) =>
    update.mutateAsync({ version: wo.version, ...body }).catch((err) => conflictOr(err, t('maintenance.conflict')));

  return (
    <Card title={t('maintenance.field.checklist')} size="small">
      <Space orientation="vertical" style={{ display: 'flex' }}>
        {wo.checklist.map((item) => (
          <Checkbox
            key={item.id}
            checked={item.done}
            disabled={closed}
            data-testid={`wo-check-${item.id}`}
            onChange={(e) => void save({ checklist: wo.checklist.map((c) => (c.id === item.id ? { ...c, done: e.target.checked } : c)) })}
          >
            {item.label}
          </Checkbox>
        ))}
        <Flex gap={8} align="center" wrap>
          <span>{t('maintenance.field.timeSpent')}</span>
          <InputNumber min={0} max={100000} value={minutes} disabled={closed} onChange={(v) => setMinutes(Number(v ?? 0))} data-testid="wo-minutes" />
        </Flex>
        <Typography.Text strong>{t('maintenance.field.parts')}</Typography.Text>
        {rows.map(({ part, key }) => (
          <Flex key={key} gap={8}>
            <Input placeholder={t('maintenance.field.partName')} value={part.name} disabled={closed} onChange={(e) => setPart(key, { name: e.target.value })} />
            <InputNumber min={1} value={part.quantity} disabled={closed} onChange={(v) => setPart(key, { quantity: Number(v ?? 1) })} />
            <Button icon={<DeleteOutlined />} disabled={closed} onClick={() => setRows(rows.filter((r) => r.key !== key))} />
          </Flex>
        ))}
        {!closed && (
          <Flex gap={8}>
            <Button icon={<PlusOutlined />} onClick={() => setRows([...rows, ...keyed([{ name: '', quantity: 1 }])])}>
              {t('maintenance.addPart')}
            </Button>
            <Button
              type="primary"
              loading={update.isPending}
              data-testid="wo-save-work"
              onClick={() => void save({ timeSpentMinutes: minutes, parts: parts.filter((p) => p.name.trim()) })}
            >
              {t('maintenance.save')}
            </Button>
          </Flex>
        )}
      </Space>
    </Card>
  );
}

function Photos({ wo }: { wo: WorkOrderDetail }) {
  const { t } = useTranslation();
  const { note } = useWorkOrderActions(wo.id);
  const [text, setText] = useState('');
  return (
    <Card title={t('maintenance.field.photos')} size="small">
      <Image.PreviewGroup>
        <Flex gap={8} wrap>
          {wo.photos.map((p) => (
            <Image key={p.id} src={`${p.url}`} width={96} height={96} style={{ objectFit: 'cover' }} />
          ))}
        </Flex>
      </Image.PreviewGroup>
      {wo.signature && (
        <div style={{ marginTop: 8 }}>
          <Typography.Text type="secondary">{t('maintenance.field.signature')}</Typography.Text>
          <br />
          <img src={wo.signature.url} alt={t('maintenance.field.signature')} style={{ maxWidth: 240, border: '1px solid #eee' }} data-testid="wo-signature" />
        </div>
      )}
      <Flex gap={8} style={{ marginTop: 8 }} wrap>
        <Input placeholder={t('maintenance.field.note')} value={text} onChange={(e) => setText(e.target.value)} style={{ flex: 1, minWidth: 160 }} />
        <Button disabled={!text.trim()} loading={note.isPending} onClick={() => void note.mutateAsync({ text }).then(() => setText(''), showError)}>
          {t('maintenance.addNote')}
        </Button>
        <Upload
          accept="image/jpeg,image/png,image/webp,image/heic"
          showUploadList={false}
          customRequest={({ file, onSuccess, onError }) => {
            const blob = file as File;
            uploadFile(wo.orgUnitId, blob, blob.name)
              .then((ref) => note.mutateAsync({ text: text.trim() || blob.name, photoIds: [ref.id] }))
              .then(
                () => onSuccess?.({}),
                (err: Error) => {
                  showError(err);
                  onError?.(err);
                },
              );
          }}
        >
          <Button icon={<CameraOutlined />}>{t('maintenance.addPhoto')}</Button>
        </Upload>
      </Flex>
    </Card>
  );
}

/** The work-order page. */
export function WorkOrderPage() {
  const { t } = useTranslation();
  const statusName = (status: string) =>
    workOrderStatuses.includes(status as WorkOrderStatus) ? t(`maintenance.status.${status as WorkOrderStatus}`) : status;
  const language = useLanguage();
  const { workOrderId } = routeApi.useParams();
  const query = useWorkOrder(workOrderId);
  const wo = query.data;
  if (!wo) return <Skeleton active />;
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="wo-page">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {wo.title}
          </Typography.Title>
          <WorkOrderStatusTag status={wo.status} />
          <PriorityTag priority={wo.priority} />
        </Space>
        <Moves wo={wo} />
      </Flex>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label={t('maintenance.field.store')}>{wo.storeName}</Descriptions.Item>
          <Descriptions.Item label={t('maintenance.field.asset')}>
            {wo.assetId ? (
              <Link to="/maintenance/assets/$assetId" params={{ assetId: wo.assetId }}>
                {wo.assetName}
              </Link>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('maintenance.field.assignee')}>{wo.assigneeName ?? wo.contractorName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('maintenance.field.source')}>
            {(sources as readonly string[]).includes(wo.source) ? t(`maintenance.source.${wo.source as (typeof sources)[number]}`) : wo.source}
          </Descriptions.Item>
          <Descriptions.Item label={t('maintenance.field.due')}>{formatDateTime(wo.dueAt, language)}</Descriptions.Item>
          <Descriptions.Item label={t('maintenance.field.resolutionDue')}>
            {formatDateTime(wo.resolutionDueAt, language)}{' '}
            {wo.escalationLevel > 0 && <Typography.Text type="danger">({t('maintenance.field.escalated')})</Typography.Text>}
          </Descriptions.Item>
        </Descriptions>
        {wo.description && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{wo.description}</Typography.Paragraph>}
      </Card>
      <Work wo={wo} />
      <Photos wo={wo} />
      <Card title={t('maintenance.field.history')} size="small">
        <Timeline
          items={wo.history.map((h, i) => ({
            key: i,
            content: (
              <span data-testid="wo-history-item">
                <Typography.Text type="secondary">{formatDateTime(h.at, language)}</Typography.Text> {h.actorLabel} ·{' '}
                {h.toStatus ? `${h.fromStatus ? `${statusName(h.fromStatus)} ` : ''}→ ${statusName(h.toStatus)}` : h.action}
                {h.note ? ` — ${h.note}` : ''}
              </span>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
