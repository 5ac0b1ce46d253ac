// One alarm rule: its type, create conditions per severity, clear condition, propagation and text.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Dropdown, Flex, Form, Input, Popconfirm, Space, Switch, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { type AlarmRule, type AlarmSeverity, alarmSeverities } from '../../lib/api-types.ts';
import { AlarmSeverityTag } from '../alarms/alarm-tags.tsx';
import { ConditionEditor } from './condition-editor.tsx';
import { newCondition, usedSeverities } from './rule-model.ts';

interface RuleEditorProps {
  rule: AlarmRule;
  onChange: (next: AlarmRule) => void;
  onRemove: () => void;
  keySuggestions: readonly string[];
  /** Another rule already has this alarm type. */
  duplicateType: boolean;
  index: number;
}

/** The editor of one rule, in a card. */
export function RuleEditor({ rule, onChange, onRemove, keySuggestions, duplicateType, index }: RuleEditorProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const severities = usedSeverities(rule, alarmSeverities);
  const free = alarmSeverities.filter((severity) => !severities.includes(severity));
  const firstKey = keySuggestions[0] ?? '';

  const setSeverity = (severity: AlarmSeverity, next: AlarmRule['createConditions'][AlarmSeverity]) => {
    const createConditions = { ...rule.createConditions };
    if (next) createConditions[severity] = next;
    else delete createConditions[severity];
    onChange({ ...rule, createConditions });
  };
  const typeProblem = !rule.alarmType.trim() ? t('validation.required') : duplicateType ? t('rules.duplicateType') : null;

  return (
    <Card
      size="small"
      data-testid="rule-card"
      data-alarm-type={rule.alarmType}
      title={
        <Typography.Text strong>
          {t('rules.ruleN', { n: index + 1 })} · {rule.alarmType || '—'}
        </Typography.Text>
      }
      extra={
        <Popconfirm
          title={t('rules.deleteRuleConfirm', { type: rule.alarmType })}
          okText={t('common.delete')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={onRemove}
        >
          <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('rules.deleteRule')} data-testid="rule-delete" />
        </Popconfirm>
      }
    >
      <Form layout="vertical" component="div">
        <Flex wrap gap={12}>
          <Form.Item
            label={t('rules.alarmType')}
            validateStatus={typeProblem ? 'error' : undefined}
            help={typeProblem}
            style={{ flex: '1 1 220px', marginBottom: 12 }}
          >
            <Input
              value={rule.alarmType}
              maxLength={100}
              onChange={(event) => onChange({ ...rule, alarmType: event.target.value })}
              data-testid="rule-alarm-type"
            />
          </Form.Item>
          <Form.Item label={t('rules.propagate')} tooltip={t('rules.propagateHelp')} style={{ marginBottom: 12 }}>
            <Switch checked={rule.propagate ?? false} onChange={(propagate) => onChange({ ...rule, propagate: propagate || undefined })} />
          </Form.Item>
        </Flex>
        <Form.Item label={t('rules.details')} extra={t('rules.detailsHelp')} style={{ marginBottom: 12 }}>
          <Input value={rule.details ?? ''} maxLength={500} onChange={(event) => onChange({ ...rule, details: event.target.value || undefined })} />
        </Form.Item>
      </Form>

      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('rules.createConditions')}
      </Typography.Title>
      <Space orientation="vertical" size={10} style={{ display: 'flex' }}>
        {severities.map((severity) => {
          const condition = rule.createConditions[severity];
          if (!condition) return null;
          return (
            <div
              key={severity}
              style={{ borderInlineStart: `3px solid ${token.colorBorder}`, paddingInlineStart: 10 }}
              data-testid="rule-severity"
              data-severity={severity}
            >
              <Flex justify="space-between" align="center" style={{ marginBottom: 6 }}>
                <AlarmSeverityTag severity={severity} />
                {severities.length > 1 && (
                  <Button
                    type="text"
                    size="small"
                    danger
                    icon={<DeleteOutlined />}
                    onClick={() => setSeverity(severity, undefined)}
                    aria-label={t('rules.removeSeverity')}
                  />
                )}
              </Flex>
              <ConditionEditor value={condition} onChange={(next) => setSeverity(severity, next)} keySuggestions={keySuggestions} />
            </div>
          );
        })}
        {free.length > 0 && (
          <Dropdown
            trigger={['click']}
            menu={{
              items: free.map((severity) => ({ key: severity, label: t(`alarm.severity.${severity}`) })),
              onClick: ({ key }) => setSeverity(key as AlarmSeverity, newCondition(firstKey)),
            }}
          >
            <Button size="small" icon={<PlusOutlined />} data-testid="rule-add-severity">
              {t('rules.addSeverity')}
            </Button>
          </Dropdown>
        )}
      </Space>

      <Typography.Title level={5}>{t('rules.clearCondition')}</Typography.Title>
      {rule.clearCondition ? (
        <div style={{ borderInlineStart: `3px solid ${token.colorSuccess}`, paddingInlineStart: 10 }} data-testid="rule-clear">
          <Flex justify="flex-end">
            <Button
              type="text"
              size="small"
              danger
              icon={<DeleteOutlined />}
              onClick={() => {
                const { clearCondition: _removed, ...rest } = rule;
                onChange(rest);
              }}
              aria-label={t('rules.removeClear')}
            />
          </Flex>
          <ConditionEditor value={rule.clearCondition} onChange={(clearCondition) => onChange({ ...rule, clearCondition })} keySuggestions={keySuggestions} />
        </div>
      ) : (
        <Space orientation="vertical" size={4}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('rules.noClear')}
          </Typography.Text>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange({ ...rule, clearCondition: newCondition(firstKey) })}
            data-testid="rule-add-clear"
          >
            {t('rules.addClear')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
