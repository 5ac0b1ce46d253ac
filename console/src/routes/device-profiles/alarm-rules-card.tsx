// A profile's alarm rules: the structured editor or raw JSON, save (PUT), import from a file and
// export to one (the storeos.alarm-rules/v1 document).
import { CodeOutlined, DownloadOutlined, FormOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, ConfigProvider, Empty, Flex, Input, Segmented, Space, Typography, Upload } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../lib/api-client.ts';
import type { ValidationIssue } from '../../lib/api-client.ts';
import type { AlarmRule, AlarmRulesDocument, DeviceProfile } from '../../lib/api-types.ts';
import { useAuth } from '../../lib/auth.tsx';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { downloadText } from '../stores/store-csv.ts';
import { profileKeys } from './profile-queries.ts';
import { newRule, readRules, telemetryKeys } from './rule-model.ts';
import { RuleEditor } from './rule-editor.tsx';

type Mode = 'form' | 'json';

interface AlarmRulesCardProps {
  profile: DeviceProfile;
  /** The rules as stored. */
  saved: AlarmRule[];
  /** The rules as edited (shared with the test panel). */
  draft: AlarmRule[];
  onDraftChange: (next: AlarmRule[]) => void;
}

function issueText(issue: ValidationIssue): string {
  const path = Array.isArray(issue.path) ? issue.path.join('.') : issue.path;
  return `${path.replace(/^body\./, '')}: ${issue.message}`;
}

/** The alarm-rules card of the profile page. */
export function AlarmRulesCard({ profile, saved, draft, onDraftChange }: AlarmRulesCardProps) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const editable = can('devices:profiles');
  const [mode, setMode] = useState<Mode>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  // the server's complaints were about the rules as they were: an edit makes them stale
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every change of the draft
  useEffect(() => setIssues([]), [draft]);
  const keySuggestions = useMemo(() => [...new Set([...profile.defaultChartKeys, ...telemetryKeys(draft)])], [profile.defaultChartKeys, draft]);
  const typeCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const rule of draft) counts.set(rule.alarmType.trim(), (counts.get(rule.alarmType.trim()) ?? 0) + 1);
    return counts;
  }, [draft]);

  const save = useMutation({
    mutationFn: (rules: AlarmRule[]) => api.put<AlarmRulesDocument>(`/device-profiles/${profile.id}/alarm-rules`, { rules }),
    meta: { silent: true },
    onSuccess: async (doc) => {
      setIssues([]);
      queryClient.setQueryData(profileKeys.rules(profile.id), doc);
      onDraftChange(doc.rules);
      showSuccess(t('rules.saved'));
      await queryClient.invalidateQueries({ queryKey: profileKeys.all });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'invalid' && error.details.issues?.length) setIssues(error.details.issues);
      else showError(error);
    },
  });

  /** The draft as the JSON box holds it, when it parses; null (and a problem shown) otherwise. */
  const fromJson = (): AlarmRule[] | null => {
    const read = readRules(jsonText);
    if (!read.ok) {
      setJsonProblem(read.error === 'json' ? t('validation.json') : t('rules.jsonShape'));
      return null;
    }
    setJsonProblem(null);
    return read.rules;
  };
  const switchMode = (next: Mode) => {
    if (next === 'json') {
      setJsonText(JSON.stringify(draft, null, 2));
      setJsonProblem(null);
      setMode('json');
      return;
    }
    const rules = fromJson();
    if (!rules) return;
    onDraftChange(rules);
    setMode('form');
  };
  const onSave = () => {
    const rules = mode === 'json' ? fromJson() : draft;
    if (!rules) return;
    if (mode === 'json') onDraftChange(rules);
    save.mutate(rules);
  };

  const exportRules = async () => {
    try {
      const doc = await api.get<AlarmRulesDocument>(`/device-profiles/${profile.id}/alarm-rules`);
      const slug =
        profile.name
          .normalize('NFKD')
          .replace(/[^A-Za-z0-9]+/g, '-')
          .replace(/^-|-$/g, '')
          .toLowerCase() || 'profile';
      downloadText(`${slug}-alarm-rules.json`, `${JSON.stringify(doc, null, 2)}\n`, 'application/json;charset=utf-8');
    } catch (error) {
      showError(error);
    }
  };
  const importRules = async (file: File) => {
    const read = readRules(await file.text());
    if (!read.ok) {
      showError(new Error(read.error === 'json' ? t('rules.importNotJson', { name: file.name }) : t('rules.jsonShape')));
      return;
    }
    onDraftChange(read.rules);
    setJsonText(JSON.stringify(read.rules, null, 2));
    setIssues([]);
    showSuccess(t('rules.imported', { count: read.rules.length }));
  };

  return (
    <Card
      title={t('rules.title')}
      data-testid="alarm-rules"
      extra={
        <Segmented<Mode>
          size="small"
          value={mode}
          onChange={switchMode}
          options={[
            { value: 'form', label: t('rules.formMode'), icon: <FormOutlined /> },
            { value: 'json', label: 'JSON', icon: <CodeOutlined /> },
          ]}
          data-testid="rules-mode"
        />
      }
    >
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <Button icon={<DownloadOutlined />} onClick={() => void exportRules()} data-testid="rules-export">
          {t('rules.export')}
        </Button>
        {editable && (
          <Upload
            accept=".json,application/json"
            showUploadList={false}
            beforeUpload={(file) => {
              void importRules(file);
              return false; // read here, not uploaded anywhere
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="rules-import">
              {t('rules.import')}
            </Button>
          </Upload>
        )}
      </Flex>

      {issues.length > 0 && (
        <Alert
          type="error"
          showIcon
          closable={{ onClose: () => setIssues([]) }}
          title={t('rules.invalid')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              {issues.map((issue) => (
                <li key={issueText(issue)}>
                  <Typography.Text code style={{ fontSize: 12 }}>
                    {issueText(issue)}
                  </Typography.Text>
                </li>
              ))}
            </ul>
          }
          style={{ marginBottom: 12 }}
          data-testid="rules-issues"
        />
      )}

      {mode === 'json' ? (
        <>
          <Input.TextArea
            value={jsonText}
            onChange={(event) => setJsonText(event.target.value)}
            readOnly={!editable}
            autoSize={{ minRows: 12, maxRows: 40 }}
            style={{ fontFamily: 'monospace', fontSize: 12 }}
            status={jsonProblem ? 'error' : undefined}
            spellCheck={false}
            data-testid="rules-json"
          />
          {jsonProblem && <Typography.Text type="danger">{jsonProblem}</Typography.Text>}
        </>
      ) : (
        // people without devices:profiles see the rules as the editor draws them, disabled
        <ConfigProvider componentDisabled={!editable}>
          <Space orientation="vertical" size={12} style={{ display: 'flex' }}>
            {draft.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rules.none')} />}
            {draft.map((rule, index) => (
              <RuleEditor
                // biome-ignore lint/suspicious/noArrayIndexKey: a rule's type is edited in place, so only its place identifies it
                key={index}
                index={index}
                rule={rule}
                keySuggestions={keySuggestions}
                duplicateType={(typeCounts.get(rule.alarmType.trim()) ?? 0) > 1}
                onChange={(next) => onDraftChange(draft.map((candidate, i) => (i === index ? next : candidate)))}
                onRemove={() => onDraftChange(draft.filter((_, i) => i !== index))}
              />
            ))}
            {editable && (
              <Button icon={<PlusOutlined />} onClick={() => onDraftChange([...draft, newRule(draft)])} data-testid="rule-add">
                {t('rules.addRule')}
              </Button>
            )}
          </Space>
        </ConfigProvider>
      )}

      {editable && (
        <Flex wrap gap={8} align="center" style={{ marginTop: 16 }}>
          <Button type="primary" onClick={onSave} loading={save.isPending} disabled={mode === 'form' && !dirty} data-testid="rules-save">
            {t('common.save')}
          </Button>
          <Button
            disabled={!dirty && mode === 'form'}
            onClick={() => {
              onDraftChange(saved);
              setJsonText(JSON.stringify(saved, null, 2));
              setIssues([]);
              setJsonProblem(null);
            }}
          >
            {t('common.reset')}
          </Button>
          {dirty && <Typography.Text type="warning">{t('common.unsaved')}</Typography.Text>}
        </Flex>
      )}
    </Card>
  );
}
