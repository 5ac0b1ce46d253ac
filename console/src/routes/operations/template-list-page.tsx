// Task and audit templates, and the sends made from them: HQ and regions design here and send to stores.
import { PlusOutlined, SendOutlined } from '@ant-design/icons';
import { Link, useNavigate } from '@tanstack/react-router';
import { Button, Flex, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth.tsx';
import { formatDateTime } from '../../lib/date-format.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { useIsPhone } from '../../lib/use-is-phone.ts';
import { useSends, useTemplates } from './operations-queries.ts';
import type { TaskTemplate } from './operations-types.ts';
import { SendDialog } from './send-dialog.tsx';

/** The templates screen. */
export function TemplateListPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const isPhone = useIsPhone();
  const navigate = useNavigate();
  const { can } = useAuth();
  const templates = useTemplates();
  const sends = useSends();
  const [sending, setSending] = useState<TaskTemplate | null>(null);

  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="template-list">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('operations.templates.title')}
        </Typography.Title>
        {(can('tasks:manage') || can('audits:run')) && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => void navigate({ to: '/operations/templates/$templateId', params: { templateId: 'new' } })}
            data-testid="template-new"
          >
            {t('operations.templates.new')}
          </Button>
        )}
      </Flex>
      <Tabs
        items={[
          {
            key: 'templates',
            label: t('operations.templates.tab'),
            children: (
              <Table<TaskTemplate>
                rowKey="id"
                size="small"
                loading={templates.isPending}
                dataSource={templates.data ?? []}
                scroll={isPhone ? { x: 600 } : undefined}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  {
                    title: t('operations.templates.name'),
                    render: (_, r) => (
                      <Link to="/operations/templates/$templateId" params={{ templateId: r.id }}>
                        {r.name}
                      </Link>
                    ),
                  },
                  { title: t('operations.templates.kind'), render: (_, r) => <Tag>{t(`operations.kind.${r.kind}`)}</Tag> },
                  { title: t('operations.templates.owner'), dataIndex: 'orgUnitName' },
                  { title: t('operations.templates.version'), dataIndex: 'version' },
                  { title: t('operations.templates.items'), render: (_, r) => r.definition.items.length },
                  {
                    title: t('common.actions'),
                    render: (_, r) =>
                      r.kind === 'task' && can('tasks:manage') ? (
                        <Button size="small" icon={<SendOutlined />} onClick={() => setSending(r)} data-testid={`template-send-${r.name}`}>
                          {t('operations.send.send')}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            ),
          },
          {
            key: 'sends',
            label: t('operations.templates.sendsTab'),
            children: (
              <Table
                rowKey="id"
                size="small"
                loading={sends.isPending}
                dataSource={sends.data ?? []}
                scroll={isPhone ? { x: 600 } : undefined}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                columns={[
                  { title: t('operations.templates.name'), dataIndex: 'title' },
                  { title: t('operations.send.subtree'), dataIndex: 'orgUnitName' },
                  { title: t('operations.send.due'), render: (_, r) => r.rrule ?? r.dueLocal?.replace('T', ' ').slice(0, 16) },
                  { title: t('operations.send.storeCount'), dataIndex: 'storeCount' },
                  { title: t('operations.templates.tasks'), dataIndex: 'instanceCount' },
                  { title: t('operations.templates.sentAt'), render: (_, r) => formatDateTime(r.createdAt, language) },
                ]}
              />
            ),
          },
        ]}
      />
      {sending && <SendDialog template={sending} onClose={() => setSending(null)} />}
    </Space>
  );
}
