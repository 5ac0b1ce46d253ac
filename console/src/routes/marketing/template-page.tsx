// The template editor: a list of templates, the text checked as it is typed (each problem at its line and column),
// the variables it may use, and a preview for a chosen person.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Flex, Form, Input, List, Row, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api-client.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { checkTemplate, previewTemplate, useMarketingActions, useTemplates } from './marketing-queries.ts';
import type { Template, TemplateIssue } from './marketing-types.ts';

interface Draft {
  id?: string;
  name: string;
  subject: string;
  body: string;
}

const empty: Draft = { name: '', subject: '', body: '{{ traits.name | default: "朋友" }}，' };

/** The issues of the text, checked on the server a moment after typing stops. */
function useIssues(draft: Draft): TemplateIssue[] {
  const [issues, setIssues] = useState<TemplateIssue[]>([]);
  useEffect(() => {
    const timer = setTimeout(() => {
      checkTemplate({ subject: draft.subject || null, body: draft.body })
        .then((r) => setIssues(r.issues))
        .catch(() => setIssues([]));
    }, 300);
    return () => clearTimeout(timer);
  }, [draft.subject, draft.body]);
  return issues;
}

/** The templates page. */
export function TemplatePage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const templates = useTemplates().data;
  const { saveTemplate } = useMarketingActions();
  const [draft, setDraft] = useState<Draft>(empty);
  const [profileId, setProfileId] = useState('');
  const [preview, setPreview] = useState<{ subject: string | null; body: string } | null>(null);
  const issues = useIssues(draft);

  const open = (tpl: Template) => {
    setDraft({ id: tpl.id, name: tpl.name, subject: tpl.subject ?? '', body: tpl.body });
    setPreview(null);
  };
  const save = async () => {
    try {
      const saved = await saveTemplate.mutateAsync({ id: draft.id, name: draft.name, subject: draft.subject || null, body: draft.body });
      setDraft({ ...draft, id: saved.id });
      showSuccess(t('marketing.saved'));
    } catch (err) {
      showError(err);
    }
  };
  const runPreview = async () => {
    try {
      setPreview(await previewTemplate({ subject: draft.subject || null, body: draft.body, profileId: profileId.trim() }));
    } catch (err) {
      if (err instanceof ApiError) showError(err);
    }
  };

  return (
    <Row gutter={[16, 16]} data-testid="marketing-templates">
      <Col xs={24} lg={7}>
        <Card
          size="small"
          title={t('marketing.templates')}
          extra={
            can('marketing:write') && (
              <Button size="small" icon={<PlusOutlined />} onClick={() => setDraft(empty)}>
                {t('marketing.newTemplate')}
              </Button>
            )
          }
        >
          <List
            size="small"
            dataSource={templates?.data ?? []}
            renderItem={(tpl) => (
              <List.Item onClick={() => open(tpl)} style={{ cursor: 'pointer', fontWeight: tpl.id === draft.id ? 600 : undefined }}>
                {tpl.name}
              </List.Item>
            )}
          />
        </Card>
      </Col>
      <Col xs={24} lg={11}>
        <Card size="small" title={draft.id ? draft.name : t('marketing.newTemplate')}>
          <Form layout="vertical">
            <Form.Item label={t('marketing.name')}>
              <Input value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} data-testid="template-name" />
            </Form.Item>
            <Form.Item label={t('marketing.subject')}>
              <Input value={draft.subject} onChange={(e) => setDraft({ ...draft, subject: e.target.value })} />
            </Form.Item>
            <Form.Item label={t('marketing.body')}>
              <Input.TextArea
                rows={8}
                value={draft.body}
                onChange={(e) => setDraft({ ...draft, body: e.target.value })}
                style={{ fontFamily: 'monospace' }}
                data-testid="template-body"
              />
            </Form.Item>
          </Form>
          {issues.length > 0 ? (
            <Alert
              type="error"
              data-testid="template-issues"
              title={t('marketing.problems', { count: issues.length })}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 16 }}>
                  {issues.map((i) => (
                    <li key={`${i.path}:${i.line}:${i.column}`}>
                      {t(i.path === 'body.subject' ? 'marketing.subject' : 'marketing.body')} {t('marketing.position', { line: i.line, column: i.column })}:{' '}
                      {i.message}
                    </li>
                  ))}
                </ul>
              }
            />
          ) : (
            <Alert type="success" title={t('marketing.noProblems')} />
          )}
          <Flex gap={8} style={{ marginTop: 12 }}>
            <Button
              type="primary"
              disabled={!can('marketing:write') || !draft.name.trim() || issues.length > 0}
              loading={saveTemplate.isPending}
              onClick={save}
              data-testid="template-save"
            >
              {t('marketing.save')}
            </Button>
          </Flex>
        </Card>
      </Col>
      <Col xs={24} lg={6}>
        <Space orientation="vertical" style={{ display: 'flex' }}>
          <Card size="small" title={t('marketing.preview')}>
            <Space.Compact style={{ width: '100%' }}>
              <Input
                placeholder={t('marketing.profileId')}
                value={profileId}
                onChange={(e) => setProfileId(e.target.value)}
                data-testid="template-preview-profile"
              />
              <Button onClick={runPreview} disabled={!profileId.trim()} data-testid="template-preview-run">
                {t('marketing.render')}
              </Button>
            </Space.Compact>
            {preview && (
              <div style={{ marginTop: 12 }} data-testid="template-preview">
                {preview.subject && <Typography.Text strong>{preview.subject}</Typography.Text>}
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{preview.body}</Typography.Paragraph>
              </div>
            )}
          </Card>
          <Card size="small" title={t('marketing.variables')}>
            <Flex wrap gap={4}>
              {(templates?.variables ?? []).map((v) => (
                <Tag key={v} style={{ cursor: 'pointer' }} onClick={() => setDraft({ ...draft, body: `${draft.body}{{ ${v.replace('<name>', 'name')} }}` })}>
                  {v}
                </Tag>
              ))}
            </Flex>
          </Card>
        </Space>
      </Col>
    </Row>
  );
}
