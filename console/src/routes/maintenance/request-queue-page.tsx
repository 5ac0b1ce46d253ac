// Faults reported through assets' QR codes, waiting for a store manager to approve or reject them.
import { Button, Card, Empty, Flex, Image, Input, List, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useRequests } from './maintenance-queries.ts';
import { priorities } from './maintenance-types.ts';

/** The requests queue. */
export function RequestQueuePage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const { list, approve, reject } = useRequests();
  const [priority, setPriority] = useState<Record<string, string>>({});
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const mayDecide = can('maintenance:approve');
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="request-queue">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('maintenance.requests')}
      </Typography.Title>
      <Card>
        {list.data?.length === 0 ? (
          <Empty description={t('maintenance.empty')} />
        ) : (
          <List
            loading={list.isPending}
            dataSource={list.data ?? []}
            renderItem={(r) => (
              <List.Item
                actions={
                  mayDecide
                    ? [
                        <Select
                          key="p"
                          size="small"
                          value={priority[r.id] ?? 'medium'}
                          onChange={(v) => setPriority({ ...priority, [r.id]: v })}
                          options={priorities.map((p) => ({ value: p, label: t(`maintenance.priority.${p}`) }))}
                          style={{ width: 90 }}
                        />,
                        <Button
                          key="a"
                          type="primary"
                          size="small"
                          onClick={() =>
                            approve.mutate(
                              { id: r.id, priority: priority[r.id] ?? 'medium' },
                              { onSuccess: () => showSuccess(t('maintenance.approved')), onError: showError },
                            )
                          }
                        >
                          {t('maintenance.approve')}
                        </Button>,
                        <Button key="r" size="small" danger onClick={() => setRejecting(r.id)}>
                          {t('maintenance.reject')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={`${r.assetName} · ${r.storeName}`}
                  description={
                    <>
                      <Typography.Paragraph style={{ marginBottom: 4 }}>{r.description}</Typography.Paragraph>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatDateTime(r.createdAt, language)}
                        {r.reporterName ? ` · ${t('maintenance.reportedBy', { name: r.reporterName })}` : ''}
                        {r.reporterContact ? ` (${r.reporterContact})` : ''}
                      </Typography.Text>
                      <Flex gap={4} wrap style={{ marginTop: 4 }}>
                        {r.photos.map((p) => (
                          <Image key={p.id} src={p.url} width={64} height={64} style={{ objectFit: 'cover' }} />
                        ))}
                      </Flex>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Card>
      <Modal
        open={rejecting !== null}
        title={t('maintenance.reject')}
        onCancel={() => setRejecting(null)}
        okButtonProps={{ disabled: !reason.trim(), danger: true }}
        onOk={() =>
          rejecting &&
          reject.mutate(
            { id: rejecting, reason },
            {
              onSuccess: () => {
                setRejecting(null);
                setReason('');
              },
              onError: showError,
            },
          )
        }
      >
        <Input.TextArea placeholder={t('maintenance.rejectReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </Space>
  );
}
