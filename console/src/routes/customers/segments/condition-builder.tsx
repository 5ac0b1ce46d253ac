// The segment definition as a tree: groups (all of / any of) holding conditions and groups, any node negatable.
import { DeleteOutlined, PlusOutlined, StopOutlined } from '@ant-design/icons';
import { Button, Dropdown, Flex, Segmented, Tag, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Condition } from '../customer-types.ts';
import { type LeafType, leafTypes, newCondition } from './condition-model.ts';
import { EventConditionEditor } from './event-condition-editor.tsx';
import { ComputedTraitEditor, ConsentEditor, RfmEditor, SegmentRefEditor, StoreEditor, TraitEditor } from './leaf-editors.tsx';

interface NodeProps {
  value: Condition;
  onChange: (next: Condition) => void;
  onRemove?: () => void;
  depth: number;
  selfId?: string;
}

function LeafEditor({ value, onChange, selfId }: { value: Condition; onChange: (next: Condition) => void; selfId?: string }) {
  switch (value.type) {
    case 'event':
      return <EventConditionEditor value={value} onChange={onChange} />;
    case 'trait':
      return <TraitEditor value={value} onChange={onChange} />;
    case 'computed_trait':
      return <ComputedTraitEditor value={value} onChange={onChange} />;
    case 'rfm':
      return <RfmEditor value={value} onChange={onChange} />;
    case 'store':
      return <StoreEditor value={value} onChange={onChange} />;
    case 'consent':
      return <ConsentEditor value={value} onChange={onChange} />;
    case 'segment':
      return <SegmentRefEditor value={value} onChange={onChange} selfId={selfId} />;
    default:
      return null;
  }
}

function AddMenu({ onAdd, depth }: { onAdd: (c: Condition) => void; depth: number }) {
  const { t } = useTranslation();
  const items = [
    ...leafTypes.map((type: LeafType) => ({ key: type, label: t(`customers.conditionType.${type}`) })),
    ...(depth < 6 ? [{ type: 'divider' as const }, { key: 'group', label: t('customers.builder.addGroup') }] : []),
  ];
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items,
        onClick: ({ key }) => onAdd(key === 'group' ? { type: 'or', conditions: [newCondition('event')] } : newCondition(key as LeafType)),
      }}
    >
      <Button size="small" type="dashed" icon={<PlusOutlined />} data-testid="builder-add">
        {t('customers.builder.add')}
      </Button>
    </Dropdown>
  );
}

/** One node of the tree, drawn by kind; groups recurse. */
export function ConditionNode({ value, onChange, onRemove, depth, selfId }: NodeProps) {
  const { t } = useTranslation();
  const { token } = theme.useToken();

  if (value.type === 'not') {
    return (
      <div style={{ border: `1px dashed ${token.colorError}`, borderRadius: token.borderRadius, padding: 8 }} data-testid="builder-not">
        <Flex justify="space-between" align="center" style={{ marginBottom: 6 }}>
          <Tag color="red">{t('customers.builder.not')}</Tag>
          <Button size="small" type="link" onClick={() => onChange(value.condition)}>
            {t('customers.builder.unnegate')}
          </Button>
        </Flex>
        <ConditionNode
          value={value.condition}
          onChange={(condition) => onChange({ type: 'not', condition })}
          onRemove={onRemove}
          depth={depth + 1}
          selfId={selfId}
        />
      </div>
    );
  }

  const actions = (
    <Flex gap={2}>
      <Button
        size="small"
        type="text"
        icon={<StopOutlined />}
        title={t('customers.builder.negate')}
        aria-label={t('customers.builder.negate')}
        onClick={() => onChange({ type: 'not', condition: value })}
      />
      {onRemove && <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={onRemove} />}
    </Flex>
  );

  if (value.type === 'and' || value.type === 'or') {
    const group = value;
    const setChild = (index: number, next: Condition) => onChange({ ...group, conditions: group.conditions.map((c, k) => (k === index ? next : c)) });
    const removeChild = (index: number) => {
      const rest = group.conditions.filter((_c, k) => k !== index);
      // an empty group would be refused: it collapses to its one remaining member, or is removed
      if (rest.length === 0) onRemove?.();
      else onChange({ ...group, conditions: rest });
    };
    return (
      <div
        style={{
          borderLeft: `3px solid ${group.type === 'and' ? token.colorPrimary : token.colorWarning}`,
          background: depth % 2 ? token.colorFillQuaternary : undefined,
          borderRadius: token.borderRadius,
          padding: '8px 8px 8px 10px',
        }}
        data-testid="builder-group"
        data-op={group.type}
      >
        <Flex justify="space-between" align="center" gap={8} wrap style={{ marginBottom: 8 }}>
          <Segmented<'and' | 'or'>
            size="small"
            value={group.type}
            onChange={(type) => onChange({ ...group, type })}
            options={[
              { value: 'and', label: t('customers.builder.all') },
              { value: 'or', label: t('customers.builder.any') },
            ]}
            data-testid="builder-group-op"
          />
          {actions}
        </Flex>
        <Flex vertical gap={8}>
          {group.conditions.map((child, index) => (
            <ConditionNode
              // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity but their place
              key={index}
              value={child}
              onChange={(next) => setChild(index, next)}
              onRemove={() => removeChild(index)}
              depth={depth + 1}
              selfId={selfId}
            />
          ))}
          <div>
            <AddMenu depth={depth} onAdd={(c) => onChange({ ...group, conditions: [...group.conditions, c] })} />
          </div>
        </Flex>
      </div>
    );
  }

  return (
    <div
      style={{ border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadius, padding: 8, background: token.colorBgContainer }}
      data-testid="builder-leaf"
      data-type={value.type}
    >
      <Flex justify="space-between" align="center" style={{ marginBottom: 6 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(`customers.conditionType.${value.type}`)}
        </Typography.Text>
        {actions}
      </Flex>
      <LeafEditor value={value} onChange={onChange} selfId={selfId} />
    </div>
  );
}

/** The whole builder: the root is always a group, so conditions can be added at the top. */
export function ConditionBuilder({ value, onChange, selfId }: { value: Condition; onChange: (next: Condition) => void; selfId?: string }) {
  const root: Condition = value.type === 'and' || value.type === 'or' ? value : { type: 'and', conditions: [value] };
  return <ConditionNode value={root} onChange={onChange} depth={0} selfId={selfId} />;
}
