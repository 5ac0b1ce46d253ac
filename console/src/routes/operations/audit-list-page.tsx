// Audits and their corrective actions: start an audit of a store, open one to run it, work the actions.
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Flex, Form, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { showError } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { StoreSelect } from '../devices/store-select.tsx';
import { CorrectiveActionDrawer } from './corrective-action-drawer.tsx';
import { opsApi, useAudits, useCorrectiveActions, useOpsMutation, useTemplates } from './operations-queries.ts';
import type { AuditListItem, CorrectiveAction } from './operations-types.ts';
import { ActionStatusTag } from './task-status.tsx';

function StartAuditDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const templates = useTemplates('audit');
  const [form] = Form.useForm<{ templateId: string; storeId: string }>();
  const start = useOpsMutation((v: { templateId: string; storeId: string }) => opsApi.startAudit(v.templateId, v.storeId));
  return (
    <Modal open title={t('operations.audits.start')} onOk={() => form.submit()} confirmLoading={start.isPending} onCancel={onClose} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          start.mutate(v, { onSuccess: (a) => void navigate({ to: '/operations/audits/$auditId', params: { auditId: a.id } }), onError: showError })
        }
      >
        <Form.Item name="templateId" label={t('operations.audits.template')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select options={(templates.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
        </Form.Item>
        <Form.Item name="storeId" label={t('operations.task.store')} rules={[{ required: true, message: t('validation.required') }]}>
          <StoreSelect />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The audits screen. */
export function AuditListPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const { can } = useAuth();
  const audits = useAudits();
  const actions = useCorrectiveActions();
  const [starting, setStarting] = useState(false);
  const [actionId, setActionId] = useState<string | null>(null);
  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="audit-list">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('operations.audits.title')}
        </Typography.Title>
        {can('audits:run') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setStarting(true)} data-testid="audit-start">
            {t('operations.audits.start')}
          </Button>
        )}
      </Flex>
      <Tabs
        items={[
          {
            key: 'audits',
            label: t('operations.audits.tab'),
            children: (
              <Table<AuditListItem>
                rowKey="id"
                size="small"
                loading={audits.isPending}
                dataSource={audits.data ?? []}
                scroll={isPhone ? { x: 560 } : undefined}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  {
                    title: t('operations.task.store'),
                    render: (_, r) => <Link to="/operations/audits/$auditId" params={{ auditId: r.id }}>{`${r.storeName} (${r.storeCode})`}</Link>,
                  },
                  { title: t('operations.audits.auditor'), dataIndex: 'auditorLabel' },
                  {
                    title: t('operations.audits.score'),
                    render: (_, r) =>
                      r.score === null ? (
                        <Tag>{t('operations.audits.inProgress')}</Tag>
                      ) : (
                        <Tag color={r.passed ? 'green' : 'red'}>{`${r.score}${r.criticalFailed ? ` · ${t('operations.item.critical')}` : ''}`}</Tag>
                      ),
                  },
                  { title: t('operations.audits.date'), render: (_, r) => formatDateTime(r.completedAt ?? r.startedAt, language) },
                ]}
              />
            ),
          },
          {
            key: 'actions',
            label: t('operations.actions.title'),
            children: (
              <Table<CorrectiveAction>
                rowKey="id"
                size="small"
                loading={actions.isPending}
                dataSource={actions.data ?? []}
                scroll={isPhone ? { x: 560 } : undefined}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                onRow={(r) => ({ onClick: () => setActionId(r.id), style: { cursor: 'pointer' } })}
                columns={[
                  { title: t('operations.actions.item'), dataIndex: 'itemLabel' },
                  { title: t('operations.task.store'), render: (_, r) => `${r.storeName} (${r.storeCode})` },
                  { title: t('operations.actions.status'), render: (_, r) => <ActionStatusTag status={r.status} /> },
                  { title: t('operations.task.due'), render: (_, r) => formatDateTime(r.dueAt, language) },
                ]}
              />
            ),
          },
        ]}
      />
      {starting && <StartAuditDialog onClose={() => setStarting(false)} />}
      <CorrectiveActionDrawer actionId={actionId} onClose={() => setActionId(null)} />
    </Space>
  );
}
