// Running an audit in a store: the scored checklist (weights, critical items) answered on the spot, saved as
// a draft, then completed: the score, and a corrective action for every failed item.
import { getRouteApi } from '@tanstack/react-router';
import { Alert, Button, Empty, Flex, List, Skeleton, Space, Statistic, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { ChecklistForm } from './checklist-form.tsx';
import { CorrectiveActionDrawer } from './corrective-action-drawer.tsx';
import { opsApi, useAudit, useOpsMutation } from './operations-queries.ts';
import type { Answers } from './operations-types.ts';
import { ActionStatusTag } from './task-status.tsx';
import { itemErrors } from './task-page.tsx';

const routeApi = getRouteApi('/signed-in/operations/audits/$auditId');

/** The audit runner screen. */
export function AuditRunnerPage() {
  const { t } = useTranslation();
  const { auditId } = routeApi.useParams();
  const audit = useAudit(auditId);
  const [answers, setAnswers] = useState<Answers>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [actionId, setActionId] = useState<string | null>(null);
  useEffect(() => {
    if (audit.data) setAnswers(audit.data.answers);
  }, [audit.data]);
  const onError = (error: unknown) => {
    setErrors(itemErrors(error));
    showError(error);
  };
  const save = useOpsMutation(() => opsApi.saveAudit(auditId, answers));
  const complete = useOpsMutation(() => opsApi.completeAudit(auditId, answers));

  if (audit.isPending) return <Skeleton active />;
  if (!audit.data) return <Empty description={t('errors.loadFailed')} />;
  const a = audit.data;
  const running = a.status === 'in_progress' && a.can.run;
  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }} data-testid="audit-runner">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {`${a.storeName} (${a.storeCode})`}
      </Typography.Title>
      {a.status === 'completed' && (
        <Flex gap={24} wrap>
          <Statistic
            title={t('operations.audits.score')}
            value={a.score ?? 0}
            suffix="/ 100"
            styles={{ content: { color: a.passed ? '#389e0d' : '#cf1322' } }}
            data-testid="audit-score"
          />
          <Statistic title={t('operations.audits.result')} value={a.passed ? t('operations.audits.passed') : t('operations.audits.failed')} />
        </Flex>
      )}
      {a.criticalFailed && <Alert type="error" showIcon title={t('operations.audits.criticalFailed')} />}
      <ChecklistForm
        items={a.definition.items}
        value={answers}
        onChange={setAnswers}
        orgUnitId={a.storeOrgUnitId}
        files={a.files}
        errors={errors}
        disabled={!running}
        scored
        outcomes={a.outcomes}
      />
      {running && (
        <Flex gap={8} wrap>
          <Button
            onClick={() =>
              save.mutate(undefined, {
                onSuccess: () => {
                  setErrors({});
                  showSuccess(t('common.saved'));
                },
                onError,
              })
            }
            loading={save.isPending}
          >
            {t('operations.task.saveDraft')}
          </Button>
          <Button
            type="primary"
            onClick={() => complete.mutate(undefined, { onSuccess: () => setErrors({}), onError })}
            loading={complete.isPending}
            data-testid="audit-complete"
          >
            {t('operations.audits.complete')}
          </Button>
        </Flex>
      )}
      {a.correctiveActions.length > 0 && (
        <List
          header={<Typography.Text strong>{t('operations.actions.title')}</Typography.Text>}
          bordered
          dataSource={a.correctiveActions}
          renderItem={(c) => (
            <List.Item onClick={() => setActionId(c.id)} style={{ cursor: 'pointer' }} extra={<ActionStatusTag status={c.status as 'open'} />}>
              {c.itemLabel}
            </List.Item>
          )}
        />
      )}
      <CorrectiveActionDrawer actionId={actionId} onClose={() => setActionId(null)} />
    </Space>
  );
}
