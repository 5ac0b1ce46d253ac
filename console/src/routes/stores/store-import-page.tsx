// CSV import of stores: upload or paste, validate (dry run), then import; row errors in a table.
import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Input, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type CsvRowError, apiRequest } from '../../lib/api-client.ts';
import { showError } from '../../lib/feedback.ts';
import { countCsvRows, downloadText, storeCsvColumns, storeCsvTemplate } from './store-csv.ts';

interface ImportResult {
  imported: number;
  /** Rows that passed the checks (all of them, or the answer is a 400). */
  valid?: number;
  dryRun: boolean;
}

type Outcome = { kind: 'valid'; rows: number } | { kind: 'imported'; rows: number } | { kind: 'rejected'; message: string; rows: CsvRowError[] };

/** The CSV import screen. */
export function StoreImportPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const send = useMutation({
    meta: { silent: true },
    mutationFn: (dryRun: boolean) =>
      apiRequest<ImportResult>('POST', '/stores/import', {
        query: { dryRun: dryRun || undefined },
        body: csv,
        contentType: 'text/csv',
      }),
    onSuccess: async (result, dryRun) => {
      setOutcome(dryRun ? { kind: 'valid', rows: result.valid ?? result.imported } : { kind: 'imported', rows: result.imported });
      if (!dryRun) await queryClient.invalidateQueries({ queryKey: ['stores'] });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.details.rows) {
        setOutcome({ kind: 'rejected', message: error.message, rows: error.details.rows });
      } else if (!(error instanceof ApiError && error.status === 401)) {
        showError(error);
      }
    },
  });

  const takeText = (text: string, name: string | null) => {
    setCsv(text);
    setFileName(name);
    setOutcome(null);
  };

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('import.title')}
      </Typography.Title>
      <Card>
        <Typography.Paragraph>
          {t('import.intro')}{' '}
          <Typography.Link onClick={() => downloadText('storeos-stores-template.csv', storeCsvTemplate())} data-testid="import-template">
            <DownloadOutlined /> {t('import.template')}
          </Typography.Link>
        </Typography.Paragraph>
        <Typography.Paragraph type="secondary" style={{ wordBreak: 'break-all' }}>
          {t('import.columns')}: <Typography.Text code>{storeCsvColumns.join(',')}</Typography.Text>
        </Typography.Paragraph>
        <Upload.Dragger
          accept=".csv,text/csv"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((text) => takeText(text, file.name));
            return false; // read in the browser, sent with the buttons below
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{fileName ?? t('import.drop')}</p>
        </Upload.Dragger>
        <Input.TextArea
          rows={8}
          value={csv}
          onChange={(event) => takeText(event.target.value, null)}
          placeholder={t('import.paste')}
          style={{ marginTop: 12, fontFamily: 'monospace' }}
          data-testid="import-text"
        />
        <Space wrap style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{t('import.rowCount', { count: countCsvRows(csv) })}</Typography.Text>
          <Button onClick={() => send.mutate(true)} disabled={!csv.trim()} loading={send.isPending && send.variables} data-testid="import-validate">
            {t('import.validate')}
          </Button>
          <Button
            type="primary"
            onClick={() => send.mutate(false)}
            disabled={outcome?.kind !== 'valid'}
            loading={send.isPending && !send.variables}
            data-testid="import-run"
          >
            {t('import.run')}
          </Button>
        </Space>
      </Card>
      {outcome?.kind === 'valid' && <Alert type="success" showIcon title={t('import.valid', { count: outcome.rows })} data-testid="import-result" />}
      {outcome?.kind === 'imported' && <Alert type="success" showIcon title={t('import.imported', { count: outcome.rows })} data-testid="import-result" />}
      {outcome?.kind === 'rejected' && (
        <Card title={t('import.errors', { count: outcome.rows.length })} data-testid="import-errors">
          <Alert type="error" showIcon title={outcome.message} style={{ marginBottom: 12 }} />
          <Table<CsvRowError>
            size="small"
            rowKey={(row) => `${row.row}:${row.column ?? ''}:${row.message}`}
            dataSource={outcome.rows}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            scroll={{ x: 480 }}
            columns={[
              { key: 'row', title: t('import.row'), dataIndex: 'row', width: 70 },
              { key: 'column', title: t('import.column'), dataIndex: 'column', width: 120, render: (value: string | null) => value ?? '—' },
              { key: 'message', title: t('import.message'), dataIndex: 'message' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
