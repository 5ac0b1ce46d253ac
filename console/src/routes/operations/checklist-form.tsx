// Answering a checklist: one input per item type, the item's rules shown beside it, and the server's
// per-item complaints (400 naming the item) under the item they name.
import { Alert, Card, Checkbox, Flex, Input, InputNumber, Radio, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type FileRef, PhotoField } from './photo-upload.tsx';
import type { Answers, ChecklistItem } from './operations-types.ts';

interface ChecklistFormProps {
  items: ChecklistItem[];
  value: Answers;
  onChange: (next: Answers) => void;
  /** The store's org unit: where photos are uploaded. */
  orgUnitId: string;
  files: FileRef[];
  errors?: Record<string, string>;
  disabled?: boolean;
  /** Audits show each item's weight and whether it is critical. */
  scored?: boolean;
  outcomes?: Record<string, 'pass' | 'fail' | 'na' | null>;
}

/** Whether a number item has a range to show. */
function hasRange(item: ChecklistItem): boolean {
  return item.type === 'number' && (item.min !== undefined || item.max !== undefined);
}

/** The checklist of a task or audit, answered in place. */
export function ChecklistForm({ items, value, onChange, orgUnitId, files, errors = {}, disabled, scored, outcomes }: ChecklistFormProps) {
  const { t } = useTranslation();
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === null || v === '') delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
      {items.map((item) => {
        const v = value[item.key];
        const range = hasRange(item) ? t('operations.item.range', { min: String(item.min ?? '−∞'), max: String(item.max ?? '∞') }) : undefined;
        const outcome = outcomes?.[item.key];
        return (
          <Card key={item.key} size="small" data-testid={`item-${item.key}`} styles={{ body: { padding: 12 } }}>
            <Flex justify="space-between" gap={8} wrap>
              <Typography.Text strong>
                {item.label}
                {item.required && <Typography.Text type="danger"> *</Typography.Text>}
              </Typography.Text>
              <Space size={4} wrap>
                {range && <Tag>{range}</Tag>}
                {item.type === 'photo' && <Tag>{t('operations.item.photoCount', { count: Math.max(item.required ? 1 : 0, item.minPhotos ?? 0) })}</Tag>}
                {scored && <Tag>{t('operations.item.weight', { weight: item.weight })}</Tag>}
                {scored && item.critical && <Tag color="red">{t('operations.item.critical')}</Tag>}
                {outcome && <Tag color={outcome === 'pass' ? 'green' : outcome === 'fail' ? 'red' : 'default'}>{t(`operations.outcome.${outcome}`)}</Tag>}
              </Space>
            </Flex>
            {item.help && (
              <Typography.Paragraph type="secondary" style={{ margin: '4px 0' }}>
                {item.help}
              </Typography.Paragraph>
            )}
            <div style={{ marginTop: 8 }}>
              {item.type === 'checkbox' && (
                <Checkbox checked={v === true} disabled={disabled} onChange={(e) => set(item.key, e.target.checked)} data-testid={`answer-${item.key}`}>
                  {t('operations.item.done')}
                </Checkbox>
              )}
              {item.type === 'number' && (
                <InputNumber
                  value={typeof v === 'number' ? v : null}
                  disabled={disabled}
                  onChange={(n) => set(item.key, n)}
                  suffix={item.unit}
                  style={{ width: 200 }}
                  data-testid={`answer-${item.key}`}
                />
              )}
              {item.type === 'text' && (
                <Input.TextArea
                  value={typeof v === 'string' ? v : ''}
                  maxLength={item.maxLength}
                  disabled={disabled}
                  autoSize={{ minRows: 1, maxRows: 6 }}
                  onChange={(e) => set(item.key, e.target.value)}
                  data-testid={`answer-${item.key}`}
                />
              )}
              {item.type === 'single_choice' && (
                <Radio.Group
                  value={v}
                  disabled={disabled}
                  onChange={(e) => set(item.key, e.target.value)}
                  options={(item.options ?? []).map((o) => ({ value: o.value, label: o.label }))}
                  data-testid={`answer-${item.key}`}
                />
              )}
              {item.type === 'multiple_choice' && (
                <Checkbox.Group
                  value={Array.isArray(v) ? (v as string[]) : []}
                  disabled={disabled}
                  onChange={(list) => set(item.key, list.length ? list : undefined)}
                  options={(item.options ?? []).map((o) => ({ value: o.value, label: o.label }))}
                  data-testid={`answer-${item.key}`}
                />
              )}
              {(item.type === 'photo' || item.type === 'signature') && (
                <PhotoField
                  value={Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []}
                  onChange={(ids) => set(item.key, item.type === 'signature' ? ids[ids.length - 1] : ids)}
                  orgUnitId={orgUnitId}
                  known={files}
                  max={item.type === 'signature' ? 1 : item.maxPhotos}
                  disabled={disabled}
                  testId={`answer-${item.key}`}
                />
              )}
            </div>
            {errors[item.key] && <Alert type="error" showIcon style={{ marginTop: 8 }} title={errors[item.key]} data-testid={`error-${item.key}`} />}
          </Card>
        );
      })}
    </Space>
  );
}
