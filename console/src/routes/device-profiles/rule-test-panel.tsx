// The test bench of a profile's alarm rules: paste sample telemetry, run it through the rules (the
// editor's draft or the saved ones) and see which would fire, when, and why.
import { ExperimentOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Collapse, Empty, Flex, Form, Input, InputNumber, Segmented, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type ValidationIssue } from '../../lib/api-client.ts';
import type { AlarmRule, JsonValue, RuleTestEvaluation, RuleTestReport } from '../../lib/api-types.ts';
import { showError } from '../../lib/feedback.ts';
import { useLanguage } from '../../lib/i18n.ts';
import { AlarmSeverityTag, severityColors } from '../alarms/alarm-tags.tsx';
import { formatTimestamp } from '../devices/value-format.ts';
import { ExplainTree } from './explain-tree.tsx';
import { sampleTelemetry, specText } from './rule-model.ts';

type Source = 'draft' | 'saved';

type RuleReport = RuleTestReport['rules'][number];
type ConditionReport = RuleReport['conditions'][number];

/** One message per line: easy to read and to edit. */
function formatSample(sample: { ts: number; values: Record<string, JsonValue> }[]): string {
  return `[\n${sample.map((message) => `  ${JSON.stringify(message)}`).join(',\n')}\n]`;
}

function clock(ts: number, language: string): string {
  return new Date(ts).toLocaleTimeString(language === 'zh-CN' ? 'zh-CN' : 'en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** The evaluation that explains a condition's outcome: the first that fired, else the last. */
function decidingEvaluation(condition: ConditionReport): RuleTestEvaluation | undefined {
  return condition.evaluations.find((evaluation) => evaluation.fires) ?? condition.evaluations[condition.evaluations.length - 1];
}

const shownEvaluations = 100;

function ConditionResult({ condition }: { condition: ConditionReport }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const deciding = decidingEvaluation(condition);
  return (
    <div data-testid="test-condition" data-severity={condition.severity} data-fired={condition.fired} style={{ padding: '8px 0' }}>
      <Flex wrap gap={6} align="center">
        {condition.severity === 'clear' ? <Tag color="green">{t('ruleTest.clear')}</Tag> : <AlarmSeverityTag severity={condition.severity} />}
        <Typography.Text code style={{ fontSize: 12, wordBreak: 'break-all' }}>
          {condition.expression}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {specText(condition.spec, t)}
        </Typography.Text>
      </Flex>
      <div style={{ marginTop: 4 }}>
        {condition.fired ? (
          <Tag color="red" data-testid="test-fired">
            {t('ruleTest.fired', { at: condition.firstFiredAt ? clock(condition.firstFiredAt, language) : '—' })}
          </Tag>
        ) : (
          <Tag data-testid="test-not-fired">{t('ruleTest.notFired')}</Tag>
        )}
        {condition.pending && <Tag color="gold">{t('ruleTest.pending', { at: clock(condition.pending.firesAt, language) })}</Tag>}
      </div>
      {deciding && (
        <div style={{ marginTop: 6 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('ruleTest.why', { at: clock(deciding.ts, language) })}
          </Typography.Text>{' '}
          {deciding.heldMs !== undefined && <Tag bordered={false}>{t('ruleTest.held', { seconds: Math.round(deciding.heldMs / 1000) })}</Tag>}
          {deciding.count !== undefined && <Tag bordered={false}>{t('ruleTest.count', { count: deciding.count })}</Tag>}
          <ExplainTree explain={deciding.explain} />
        </div>
      )}
      {condition.evaluations.length > 1 && (
        <Collapse
          size="small"
          ghost
          items={[
            {
              key: 'all',
              label: t('ruleTest.allEvaluations', { count: condition.evaluations.length }),
              children: (
                <Space orientation="vertical" size={8} style={{ display: 'flex' }}>
                  {condition.evaluations.slice(0, shownEvaluations).map((evaluation) => (
                    <div key={`${evaluation.ts}-${evaluation.trigger}`}>
                      <Typography.Text style={{ fontSize: 12 }}>
                        {clock(evaluation.ts, language)} · {evaluation.trigger === 'timer' ? t('ruleTest.timer') : t('ruleTest.data')} ·{' '}
                        {evaluation.matched ? t('ruleTest.matched') : t('ruleTest.notMatched')}
                        {evaluation.fires && ` · ${t('ruleTest.fires')}`}
                      </Typography.Text>
                      <ExplainTree explain={evaluation.explain} />
                    </div>
                  ))}
                  {condition.evaluations.length > shownEvaluations && (
                    <Typography.Text type="secondary">{t('ruleTest.more', { count: condition.evaluations.length - shownEvaluations })}</Typography.Text>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
    </div>
  );
}

function RuleResult({ rule }: { rule: RuleReport }) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <Card
      size="small"
      title={rule.alarmType}
      data-testid="test-rule"
      data-alarm-type={rule.alarmType}
      data-final={rule.finalAlarm?.severity ?? 'none'}
      extra={rule.finalAlarm ? <AlarmSeverityTag severity={rule.finalAlarm.severity} /> : <Tag color="green">{t('ruleTest.noAlarm')}</Tag>}
    >
      {rule.timeline.length > 0 && (
        <Timeline
          style={{ marginTop: 8 }}
          items={rule.timeline.map((change) => ({
            color: change.change === 'cleared' ? 'green' : severityColors[change.severity],
            content: (
              <Typography.Text style={{ fontSize: 13 }}>
                {formatTimestamp(change.ts, language)} · {t(`ruleTest.change.${change.change}`, { severity: t(`alarm.severity.${change.severity}`) })}
                {change.trigger === 'timer' && ` (${t('ruleTest.timer')})`}
              </Typography.Text>
            ),
          }))}
        />
      )}
      {rule.conditions.map((condition) => (
        <ConditionResult key={condition.severity} condition={condition} />
      ))}
    </Card>
  );
}

/** The test panel of the profile page. */
export function RuleTestPanel({ profileId, draft, dirty }: { profileId: string; draft: AlarmRule[]; dirty: boolean }) {
  const { t } = useTranslation();
  const [sample, setSample] = useState(() => formatSample(sampleTelemetry(draft)));
  const [attributes, setAttributes] = useState('');
  const [runOnMinutes, setRunOnMinutes] = useState<number | null>(null);
  const [source, setSource] = useState<Source>('draft');
  const [problem, setProblem] = useState<string | null>(null);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);

  const run = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.post<RuleTestReport>(`/device-profiles/${profileId}/alarm-rules/test`, body),
    meta: { silent: true },
    onSuccess: () => setIssues([]),
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'invalid' && error.details.issues?.length) setIssues(error.details.issues);
      else showError(error);
    },
  });

  const start = () => {
    let telemetry: { ts: number; values: Record<string, JsonValue> }[];
    let attributeValues: Record<string, unknown> | undefined;
    try {
      telemetry = JSON.parse(sample);
    } catch {
      setProblem(t('ruleTest.sampleNotJson'));
      return;
    }
    if (!Array.isArray(telemetry) || telemetry.length === 0) {
      setProblem(t('ruleTest.sampleShape'));
      return;
    }
    try {
      attributeValues = attributes.trim() ? JSON.parse(attributes) : undefined;
    } catch {
      setProblem(t('ruleTest.attributesNotJson'));
      return;
    }
    setProblem(null);
    const last = Math.max(...telemetry.map((message) => (typeof message.ts === 'number' ? message.ts : 0)));
    run.mutate({
      telemetry,
      attributes: attributeValues,
      until: runOnMinutes ? last + runOnMinutes * 60_000 : undefined,
      rules: source === 'draft' ? draft : undefined,
    });
  };

  return (
    <Card title={t('ruleTest.title')} data-testid="rule-test">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t('ruleTest.help')}
      </Typography.Paragraph>
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('ruleTest.sample')}
          validateStatus={problem ? 'error' : undefined}
          help={problem}
          extra={
            <Button
              type="link"
              size="small"
              icon={<ThunderboltOutlined />}
              style={{ paddingInline: 0 }}
              onClick={() => setSample(formatSample(sampleTelemetry(draft)))}
            >
              {t('ruleTest.makeSample')}
            </Button>
          }
        >
          <Input.TextArea
            value={sample}
            onChange={(event) => setSample(event.target.value)}
            autoSize={{ minRows: 6, maxRows: 18 }}
            style={{ fontFamily: 'monospace', fontSize: 12 }}
            spellCheck={false}
            data-testid="rule-test-sample"
          />
        </Form.Item>
        <Form.Item label={t('ruleTest.attributes')} extra={t('ruleTest.attributesHelp')}>
          <Input.TextArea
            value={attributes}
            onChange={(event) => setAttributes(event.target.value)}
            autoSize={{ minRows: 2, maxRows: 8 }}
            placeholder='{"server": {"temperatureMax": 6}}'
            style={{ fontFamily: 'monospace', fontSize: 12 }}
            spellCheck={false}
          />
        </Form.Item>
        <Flex wrap gap={12} align="center">
          <Space size={6}>
            <Typography.Text>{t('ruleTest.runOn')}</Typography.Text>
            <InputNumber min={0} max={7 * 24 * 60} value={runOnMinutes} onChange={setRunOnMinutes} style={{ width: 90 }} suffix={t('telemetry.unit.min')} />
          </Space>
          <Segmented<Source>
            value={source}
            onChange={setSource}
            options={[
              { value: 'draft', label: dirty ? t('ruleTest.useDraftUnsaved') : t('ruleTest.useDraft') },
              { value: 'saved', label: t('ruleTest.useSaved') },
            ]}
            data-testid="rule-test-source"
          />
          <Button type="primary" icon={<ExperimentOutlined />} onClick={start} loading={run.isPending} data-testid="rule-test-run">
            {t('ruleTest.run')}
          </Button>
        </Flex>
      </Form>
      {issues.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={t('ruleTest.invalid')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {issues.map((issue) => {
                const path = Array.isArray(issue.path) ? issue.path.join('.') : issue.path;
                return <li key={`${path}:${issue.message}`}>{`${path.replace(/^body\./, '')}: ${issue.message}`}</li>;
              })}
            </ul>
          }
        />
      )}
      {run.data && (
        <Space orientation="vertical" size={12} style={{ display: 'flex', marginTop: 16 }} data-testid="rule-test-report">
          {run.data.rules.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rules.none')} />
          ) : (
            run.data.rules.map((rule) => <RuleResult key={rule.alarmType} rule={rule} />)
          )}
        </Space>
      )}
    </Card>
  );
}
