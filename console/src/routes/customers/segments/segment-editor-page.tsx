// Create or change a segment: name, description, the condition tree (or its JSON), and the live size beside it.
import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Alert, Breadcrumb, Button, Card, Col, Form, Input, Result, Row, Segmented, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../../lib/api-client.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import type { Condition, Segment } from '../customer-types.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { cleanCondition, countConditions, isComplete, newCondition } from './condition-model.ts';
import { SegmentPreviewCard } from './segment-preview-card.tsx';
import { useSegment, useSegmentMutation } from './segment-queries.ts';

const editRoute = getRouteApi('/signed-in/customers/segments/$segmentId/edit');

function JsonEditor({ value, onApply }: { value: Condition; onApply: (next: Condition) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
      <Input.TextArea
        value={text}
        onChange={(e) => setText(e.target.value)}
        autoSize={{ minRows: 10, maxRows: 30 }}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
      />
      {error && <Alert type="error" showIcon title={error} />}
      <Button
        onClick={() => {
          try {
            const parsed = JSON.parse(text) as Condition;
            if (!parsed || typeof parsed !== 'object' || !('type' in parsed)) throw new Error(t('customers.builder.jsonShape'));
            setError(null);
            onApply(parsed);
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          }
        }}
      >
        {t('customers.builder.applyJson')}
      </Button>
    </Space>
  );
}

/** The editor itself, for a new segment or an existing one. */
function SegmentEditor({ segment }: { segment?: Segment }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [name, setName] = useState(segment?.name ?? '');
  const [description, setDescription] = useState(segment?.description ?? '');
  const [definition, setDefinition] = useState<Condition>(segment?.definition ?? { type: 'and', conditions: [newCondition('event')] });
  const [mode, setMode] = useState<'builder' | 'json'>('builder');
  const cleaned = cleanCondition(definition);
  const save = useSegmentMutation(() => {
    const body = { name: name.trim(), description: description.trim() || undefined, definition: cleaned };
    return segment ? api.patch<Segment>(`/segments/${segment.id}`, body) : api.post<Segment>('/segments', body);
  });
  const tooBig = countConditions(definition) > 60;

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={15}>
        <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
          <Card>
            <Form layout="vertical">
              <Form.Item label={t('customers.segments.name')} required>
                <Input value={name} onChange={(e) => setName(e.target.value)} maxLength={120} data-testid="segment-name" />
              </Form.Item>
              <Form.Item label={t('customers.segments.description')} style={{ marginBottom: 0 }}>
                <Input.TextArea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={1000} autoSize={{ minRows: 1, maxRows: 4 }} />
              </Form.Item>
            </Form>
          </Card>
          <Card
            title={t('customers.builder.conditions')}
            extra={
              <Segmented<'builder' | 'json'>
                size="small"
                value={mode}
                onChange={setMode}
                options={[
                  { value: 'builder', label: t('customers.builder.visual') },
                  { value: 'json', label: 'JSON' },
                ]}
              />
            }
            data-testid="segment-builder"
          >
            {mode === 'builder' ? (
              <ConditionBuilder value={definition} onChange={setDefinition} selfId={segment?.id} />
            ) : (
              <JsonEditor
                value={cleaned}
                onApply={(next) => {
                  setDefinition(next);
                  setMode('builder');
                }}
              />
            )}
            {tooBig && <Alert type="error" showIcon title={t('customers.builder.tooBig')} style={{ marginTop: 12 }} />}
          </Card>
          <Space wrap>
            <Button
              type="primary"
              loading={save.isPending}
              disabled={!name.trim() || !isComplete(definition) || tooBig}
              onClick={() =>
                save.mutate(undefined, {
                  onSuccess: (saved) => {
                    showSuccess(t('common.saved'));
                    void navigate({ to: '/customers/segments/$segmentId', params: { segmentId: saved.id } });
                  },
                })
              }
              data-testid="segment-save"
            >
              {segment ? t('common.save') : t('customers.segments.create')}
            </Button>
            <Button
              onClick={() =>
                segment
                  ? void navigate({ to: '/customers/segments/$segmentId', params: { segmentId: segment.id } })
                  : void navigate({ to: '/customers/segments' })
              }
            >
              {t('common.cancel')}
            </Button>
            {segment && <Typography.Text type="secondary">{t('customers.segments.recomputeNote')}</Typography.Text>}
          </Space>
        </Space>
      </Col>
      <Col xs={24} xl={9}>
        <div style={{ position: 'sticky', top: 16 }}>
          <SegmentPreviewCard definition={cleaned} />
        </div>
      </Col>
    </Row>
  );
}

/** /customers/segments/new */
export function SegmentCreatePage() {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="segment-editor-page">
      <Breadcrumb items={[{ title: <Link to="/customers/segments">{t('nav.segments')}</Link> }, { title: t('customers.segments.create') }]} />
      <SegmentEditor />
    </Space>
  );
}

/** /customers/segments/{id}/edit */
export function SegmentEditPage() {
  const { t } = useTranslation();
  const { segmentId } = editRoute.useParams();
  const segment = useSegment(segmentId);
  if (segment.isPending) return <Skeleton active paragraph={{ rows: 8 }} />;
  if (segment.isError) {
    const notFound = segment.error instanceof ApiError && segment.error.status === 404;
    return <Result status={notFound ? '404' : 'error'} title={notFound ? t('customers.segments.notFound') : t('errors.loadFailed')} />;
  }
  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="segment-editor-page">
      <Breadcrumb
        items={[
          { title: <Link to="/customers/segments">{t('nav.segments')}</Link> },
          {
            title: (
              <Link to="/customers/segments/$segmentId" params={{ segmentId }}>
                {segment.data.name}
              </Link>
            ),
          },
          { title: t('common.edit') },
        ]}
      />
      <SegmentEditor key={segment.data.id} segment={segment.data} />
    </Space>
  );
}
