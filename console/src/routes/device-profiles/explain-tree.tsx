// Why a condition held or not: each sub-expression with the value it read and its outcome.
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JsonValue, RuleExplain } from '../../lib/api-types.ts';

function show(value: JsonValue | undefined): string {
  return value === undefined ? '' : JSON.stringify(value);
}

function ExplainNode({ node }: { node: RuleExplain }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const missing = node.key !== undefined && node.actual === undefined;
  return (
    <li data-testid="explain-node" data-result={node.result} style={{ listStyle: 'none', margin: '2px 0' }}>
      {node.result ? <CheckCircleFilled style={{ color: token.colorSuccess }} /> : <CloseCircleFilled style={{ color: token.colorError }} />}{' '}
      <Typography.Text code style={{ fontSize: 12 }}>
        {node.text}
      </Typography.Text>{' '}
      {node.key !== undefined && (
        <Typography.Text type={missing ? 'warning' : 'secondary'} style={{ fontSize: 12 }} data-testid="explain-actual">
          {missing
            ? t('ruleTest.noValue', { key: node.key })
            : t('ruleTest.actual', { key: node.source && node.source !== 'telemetry' ? `${node.source}.${node.key}` : node.key, value: show(node.actual) })}
          {node.expected !== undefined && ` · ${t('ruleTest.expected', { value: show(node.expected) })}`}
          {node.min !== undefined && ` · ${t('ruleTest.range', { min: show(node.min), max: show(node.max) })}`}
        </Typography.Text>
      )}
      {node.children && node.children.length > 0 && (
        <ul style={{ paddingInlineStart: 18, margin: 0, borderInlineStart: `1px solid ${token.colorBorderSecondary}` }}>
          {node.children.map((child, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: sub-expressions are identified by their place
            <ExplainNode key={index} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** The explanation tree of one evaluation. */
export function ExplainTree({ explain }: { explain: RuleExplain }) {
  return (
    <ul style={{ padding: 0, margin: 0 }} data-testid="explain-tree">
      <ExplainNode node={explain} />
    </ul>
  );
}
