// The expression builder: comparisons of a key (source, operator, value or range, a value read from
// an attribute) inside AND / OR groups, which may be negated and nested.
import { BranchesOutlined, DeleteOutlined, MoreOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Checkbox, Dropdown, Flex, Input, InputNumber, type MenuProps, Segmented, Select, Space, Tag, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import { type AttributeOperand, type RuleExpression, type RuleKeySource, type RuleOperand, ruleKeySources } from '../../lib/api-types.ts';
import {
  emptyLeaf,
  equalityOps,
  isAttributeOperand,
  isGroup,
  isNot,
  isRange,
  leafOps,
  numericOps,
  type RuleLeaf,
  textOps,
  withOperator,
} from './rule-model.ts';

/** The value an operator compares with: a number, a text, a boolean, or any of them. */
type OperandKind = 'number' | 'text' | 'any';

function operandKind(op: string): OperandKind {
  if ((numericOps as readonly string[]).includes(op)) return 'number';
  if ((textOps as readonly string[]).includes(op)) return 'text';
  return 'any';
}

const attributeScopes = ['attribute', 'server', 'shared', 'client'] as const;

interface OperandInputProps {
  value: RuleOperand;
  onChange: (next: RuleOperand) => void;
  kind: OperandKind;
  keySuggestions: readonly string[];
  testId?: string;
}

function LiteralInput({
  value,
  onChange,
  kind,
  testId,
}: {
  value: number | string | boolean | undefined;
  onChange: (next: number | string | boolean) => void;
  kind: OperandKind;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (kind === 'number') {
    return (
      <InputNumber value={typeof value === 'number' ? value : undefined} onChange={(next) => onChange(next ?? 0)} style={{ width: 110 }} data-testid={testId} />
    );
  }
  if (kind === 'text')
    return (
      <Input value={typeof value === 'string' ? value : ''} onChange={(event) => onChange(event.target.value)} style={{ width: 140 }} data-testid={testId} />
    );
  // equality: the value's type picks number, text or boolean equality
  const type = typeof value === 'boolean' ? 'boolean' : typeof value === 'number' ? 'number' : 'text';
  return (
    <Space.Compact>
      <Select
        value={type}
        style={{ width: 84 }}
        onChange={(next: 'number' | 'text' | 'boolean') => onChange(next === 'boolean' ? true : next === 'number' ? Number(value) || 0 : String(value ?? ''))}
        options={[
          { value: 'number', label: t('rules.valueType.number') },
          { value: 'text', label: t('rules.valueType.text') },
          { value: 'boolean', label: t('rules.valueType.boolean') },
        ]}
      />
      {type === 'boolean' ? (
        <Select
          value={value === true}
          style={{ width: 90 }}
          onChange={(next: boolean) => onChange(next)}
          options={[
            { value: true, label: 'true' },
            { value: false, label: 'false' },
          ]}
          data-testid={testId}
        />
      ) : type === 'number' ? (
        <InputNumber value={value as number} onChange={(next) => onChange(next ?? 0)} style={{ width: 100 }} data-testid={testId} />
      ) : (
        <Input value={String(value ?? '')} onChange={(event) => onChange(event.target.value)} style={{ width: 120 }} data-testid={testId} />
      )}
    </Space.Compact>
  );
}

/** A literal, or a threshold read from a device attribute (with a fallback). */
function OperandInput({ value, onChange, kind, keySuggestions, testId }: OperandInputProps) {
  const { t } = useTranslation();
  const fromAttribute = isAttributeOperand(value);
  const toggle = (
    <Select
      value={fromAttribute ? 'attribute' : 'literal'}
      style={{ width: 96 }}
      onChange={(next: 'literal' | 'attribute') => {
        if (next === 'attribute')
          onChange({ attribute: '', scope: 'server', default: isAttributeOperand(value) ? value.default : (value as number | string | boolean) });
        else onChange(isAttributeOperand(value) ? (value.default ?? (kind === 'text' ? '' : 0)) : value);
      }}
      options={[
        { value: 'literal', label: t('rules.operand.literal') },
        { value: 'attribute', label: t('rules.operand.attribute') },
      ]}
    />
  );
  if (!fromAttribute) {
    return (
      <Space size={4} wrap>
        {toggle}
        <LiteralInput value={value as number | string | boolean} onChange={onChange} kind={kind} testId={testId} />
      </Space>
    );
  }
  const set = (patch: Partial<AttributeOperand>) => onChange({ ...value, ...patch });
  return (
    <Space size={4} wrap>
      {toggle}
      <AutoComplete
        value={value.attribute}
        onChange={(attribute: string) => set({ attribute })}
        options={keySuggestions.map((key) => ({ value: key }))}
        placeholder={t('rules.attributeKey')}
        style={{ width: 140 }}
        status={value.attribute.trim() ? undefined : 'error'}
      />
      <Select
        value={value.scope ?? 'attribute'}
        onChange={(scope: AttributeOperand['scope']) => set({ scope })}
        style={{ width: 110 }}
        options={attributeScopes.map((scope) => ({ value: scope, label: t(`rules.source.${scope}`) }))}
      />
      <span style={{ whiteSpace: 'nowrap' }}>{t('rules.fallback')}</span>
      <LiteralInput value={value.default} onChange={(fallback) => set({ default: fallback })} kind={kind} />
    </Space>
  );
}

interface LeafEditorProps {
  value: RuleLeaf;
  onChange: (next: RuleLeaf) => void;
  keySuggestions: readonly string[];
}

/** One comparison: key, where it is read, operator, value (or min and max). */
function LeafEditor({ value, onChange, keySuggestions }: LeafEditorProps) {
  const { t } = useTranslation();
  const kind = operandKind(value.op);
  return (
    <Flex wrap gap={6} align="center" data-testid="rule-leaf">
      <AutoComplete
        value={value.key}
        onChange={(key: string) => onChange({ ...value, key })}
        options={keySuggestions.filter((key) => key.toLowerCase().includes(value.key.toLowerCase())).map((key) => ({ value: key }))}
        placeholder={t('rules.key')}
        style={{ width: 140 }}
        status={value.key.trim() ? undefined : 'error'}
        data-testid="rule-leaf-key"
      />
      <Select<RuleKeySource>
        value={value.source ?? 'telemetry'}
        onChange={(source) => onChange({ ...value, source: source === 'telemetry' ? undefined : source })}
        style={{ width: 110 }}
        options={ruleKeySources.map((source) => ({ value: source, label: t(`rules.source.${source}`) }))}
        popupMatchSelectWidth={false}
        data-testid="rule-leaf-source"
      />
      <Select
        value={value.op}
        onChange={(op: RuleLeaf['op']) => onChange(withOperator(value, op))}
        style={{ width: 112 }}
        options={leafOps.map((op) => ({ value: op, label: t(`rules.op.${op}`) }))}
        popupMatchSelectWidth={false}
        data-testid="rule-leaf-op"
      />
      {isRange(value) ? (
        <>
          <OperandInput
            value={value.min}
            onChange={(min) => onChange({ ...value, min: min as number | AttributeOperand })}
            kind="number"
            keySuggestions={keySuggestions}
            testId="rule-leaf-min"
          />
          <span>–</span>
          <OperandInput
            value={value.max}
            onChange={(max) => onChange({ ...value, max: max as number | AttributeOperand })}
            kind="number"
            keySuggestions={keySuggestions}
            testId="rule-leaf-max"
          />
        </>
      ) : (
        <OperandInput
          value={value.value}
          onChange={(operand) => onChange({ ...value, value: operand })}
          kind={kind}
          keySuggestions={keySuggestions}
          testId="rule-leaf-value"
        />
      )}
      {!isRange(value) &&
        ((textOps as readonly string[]).includes(value.op) || ((equalityOps as readonly string[]).includes(value.op) && typeof value.value === 'string')) && (
          <Checkbox checked={value.ignoreCase ?? false} onChange={(event) => onChange({ ...value, ignoreCase: event.target.checked || undefined })}>
            {t('rules.ignoreCase')}
          </Checkbox>
        )}
    </Flex>
  );
}

interface ExpressionEditorProps {
  value: RuleExpression;
  onChange: (next: RuleExpression) => void;
  /** Removes this node from its group; absent at the root. */
  onRemove?: () => void;
  keySuggestions: readonly string[];
  depth?: number;
}

/** The maximum nesting the server takes (alarm-rules.ts maxExpressionDepth). */
const maxDepth = 8;

/** An expression node: a comparison, a negation or an AND / OR group, edited in place. */
export function ExpressionEditor({ value, onChange, onRemove, keySuggestions, depth = 1 }: ExpressionEditorProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const canNest = depth < maxDepth;

  const menu: MenuProps['items'] = [
    ...(canNest && !isGroup(value)
      ? [
          { key: 'and', label: t('rules.wrapAnd') },
          { key: 'or', label: t('rules.wrapOr') },
        ]
      : []),
    ...(isNot(value) ? [{ key: 'unwrap', label: t('rules.removeNot') }] : canNest ? [{ key: 'not', label: t('rules.negate') }] : []),
    ...(onRemove ? [{ key: 'remove', label: t('common.delete'), danger: true }] : []),
  ];
  const onMenu: MenuProps['onClick'] = ({ key }) => {
    if (key === 'and' || key === 'or') onChange({ op: key, conditions: [value, emptyLeaf()] });
    if (key === 'not') onChange({ op: 'not', condition: value });
    if (key === 'unwrap' && isNot(value)) onChange(value.condition);
    if (key === 'remove') onRemove?.();
  };
  const actions = (
    <Dropdown menu={{ items: menu, onClick: onMenu }} trigger={['click']}>
      <Button type="text" size="small" icon={<MoreOutlined />} aria-label={t('rules.nodeActions')} data-testid="rule-node-menu" />
    </Dropdown>
  );

  if (isNot(value)) {
    return (
      <div style={{ borderInlineStart: `3px solid ${token.colorError}`, paddingInlineStart: 8 }} data-testid="rule-not">
        <Flex justify="space-between" align="center">
          <Tag color="red">{t('rules.not')}</Tag>
          {actions}
        </Flex>
        <ExpressionEditor
          value={value.condition}
          onChange={(condition) => onChange({ op: 'not', condition })}
          keySuggestions={keySuggestions}
          depth={depth + 1}
        />
      </div>
    );
  }

  if (isGroup(value)) {
    const setChild = (index: number, next: RuleExpression) =>
      onChange({ ...value, conditions: value.conditions.map((child, i) => (i === index ? next : child)) });
    const removeChild = (index: number) => {
      const rest = value.conditions.filter((_, i) => i !== index);
      // a group of one is that one condition
      onChange(rest.length === 1 ? rest[0] : { ...value, conditions: rest });
    };
    return (
      <div
        style={{
          border: `1px dashed ${token.colorBorder}`,
          borderRadius: token.borderRadius,
          padding: 8,
          background: depth % 2 === 0 ? token.colorFillQuaternary : undefined,
        }}
        data-testid="rule-group"
        data-op={value.op}
      >
        <Flex justify="space-between" align="center" gap={8} style={{ marginBottom: 6 }}>
          <Segmented<'and' | 'or'>
            size="small"
            value={value.op}
            onChange={(op) => onChange({ ...value, op })}
            options={[
              { value: 'and', label: t('rules.all') },
              { value: 'or', label: t('rules.any') },
            ]}
            data-testid="rule-group-op"
          />
          {actions}
        </Flex>
        <Space orientation="vertical" size={6} style={{ display: 'flex' }}>
          {value.conditions.map((child, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
            <div key={index}>
              {index > 0 && (
                <Tag bordered={false} color={value.op === 'and' ? 'blue' : 'gold'} style={{ marginBottom: 4 }}>
                  {value.op === 'and' ? t('rules.and') : t('rules.or')}
                </Tag>
              )}
              <ExpressionEditor
                value={child}
                onChange={(next) => setChild(index, next)}
                onRemove={() => removeChild(index)}
                keySuggestions={keySuggestions}
                depth={depth + 1}
              />
            </div>
          ))}
        </Space>
        <Space size={4} style={{ marginTop: 6 }} wrap>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => onChange({ ...value, conditions: [...value.conditions, emptyLeaf()] })}
            data-testid="rule-add-leaf"
          >
            {t('rules.addComparison')}
          </Button>
          {canNest && (
            <Button
              size="small"
              icon={<BranchesOutlined />}
              onClick={() =>
                onChange({ ...value, conditions: [...value.conditions, { op: value.op === 'and' ? 'or' : 'and', conditions: [emptyLeaf(), emptyLeaf()] }] })
              }
            >
              {t('rules.addGroup')}
            </Button>
          )}
        </Space>
      </div>
    );
  }

  return (
    <Flex gap={4} align="flex-start">
      <div style={{ flex: 1, minWidth: 0 }}>
        <LeafEditor value={value} onChange={onChange} keySuggestions={keySuggestions} />
      </div>
      {onRemove ? (
        <Flex>
          <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={onRemove} />
          {actions}
        </Flex>
      ) : (
        actions
      )}
    </Flex>
  );
}
