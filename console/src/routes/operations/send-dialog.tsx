// Sending a template to stores: the target (a subtree and store attributes), the role, the due time in each
// store's own time zone or a recurrence rule, a preview of how many stores it reaches and which it would
// overload (the load guard), and sending anyway once the sender has seen them.
import { Alert, Button, Checkbox, DatePicker, Flex, Form, Input, InputNumber, Modal, Radio, Select, Statistic, Table } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { OrgUnitSelect } from '../../components/org-unit-select.tsx';
import { ApiError } from '../../lib/api-client.ts';
import { storeFormats, storeStatuses } from '../../lib/api-types.ts';
import { showError, showSuccess } from '../../lib/feedback.ts';
import { opsApi, useOpsMutation } from './operations-queries.ts';
import type { LoadWarnings, SendPreview, TaskTemplate } from './operations-types.ts';

interface SendForm {
  orgUnitId: string;
  formats?: string[];
  cities?: string[];
  statuses: string[];
  floorAreaMin?: number;
  floorAreaMax?: number;
  role: 'store_manager' | 'associate';
  title?: string;
  mode: 'once' | 'recurring';
  due?: Dayjs;
  rrule?: string;
  starts?: Dayjs;
  dueAfterMinutes?: number;
}

const rrulePresets = [
  { rule: 'FREQ=DAILY', name: 'operations.send.preset.0' },
  { rule: 'FREQ=WEEKLY;BYDAY=MO', name: 'operations.send.preset.1' },
  { rule: 'FREQ=WEEKLY;BYDAY=MO,TH', name: 'operations.send.preset.2' },
  { rule: 'FREQ=MONTHLY;BYMONTHDAY=1', name: 'operations.send.preset.3' },
] as const;
const wall = (d: Dayjs | undefined) => d?.format('YYYY-MM-DDTHH:mm');

function bodyOf(v: SendForm, templateId: string) {
  const target = {
    orgUnitId: v.orgUnitId,
    statuses: v.statuses,
    formats: v.formats?.length ? v.formats : undefined,
    cities: v.cities?.length ? v.cities : undefined,
    floorAreaMin: v.floorAreaMin ?? undefined,
    floorAreaMax: v.floorAreaMax ?? undefined,
  };
  const when =
    v.mode === 'once'
      ? { dueLocal: wall(v.due) }
      : { recurrence: { rrule: v.rrule ?? '', startsLocal: wall(v.starts) ?? '', dueAfterMinutes: v.dueAfterMinutes ?? 480 } };
  return { templateId, target, role: v.role, title: v.title?.trim() || undefined, ...when };
}

function WarningsTable({ warnings, cap }: { warnings: LoadWarnings; cap: number }) {
  const { t } = useTranslation();
  return (
    <>
      <Alert
        type="warning"
        showIcon
        title={t('operations.send.overloaded', { count: warnings.total, cap })}
        data-testid="send-load-warning"
        style={{ marginBottom: 8 }}
      />
      <Table
        size="small"
        rowKey={(r) => `${r.storeId}:${r.weekStart}`}
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        dataSource={warnings.stores}
        columns={[
          { title: t('operations.send.store'), render: (_, r) => `${r.name} (${r.code})` },
          { title: t('operations.send.week'), dataIndex: 'weekStart' },
          { title: t('operations.send.minutes'), render: (_, r) => `${r.existingMinutes} + ${r.addedMinutes}` },
        ]}
      />
    </>
  );
}

/** The send dialog for one template. */
export function SendDialog({ template, onClose }: { template: TaskTemplate; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SendForm>();
  const mode = Form.useWatch('mode', form);
  const [preview, setPreview] = useState<SendPreview | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const check = useOpsMutation((v: SendForm) => opsApi.preview(bodyOf(v, template.id)));
  const send = useOpsMutation((v: SendForm) => opsApi.send({ ...bodyOf(v, template.id), acknowledgeLoad: acknowledged }));
  const runPreview = async () => {
    const values = await form.validateFields();
    check.mutate(values, {
      onSuccess: (p) => {
        setPreview(p);
        setAcknowledged(false);
      },
      onError: showError,
    });
  };
  const warned = (preview?.loadWarnings.total ?? 0) > 0;

  return (
    <Modal
      open
      width={720}
      title={t('operations.send.title', { name: template.name })}
      okText={t('operations.send.send')}
      okButtonProps={{ disabled: !preview || (warned && !acknowledged), loading: send.isPending, ...{ 'data-testid': 'send-confirm' } }}
      onOk={async () => {
        const values = await form.validateFields();
        send.mutate(values, {
          onSuccess: (sent) => {
            showSuccess(t('operations.send.sent', { count: sent.instanceCount }));
            onClose();
          },
          onError: (error) => {
            const warnings = error instanceof ApiError ? (error.details.loadWarnings as LoadWarnings | undefined) : undefined;
            if (warnings && preview) setPreview({ ...preview, loadWarnings: warnings });
            showError(error);
          },
        });
      }}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<SendForm>
        form={form}
        layout="vertical"
        initialValues={{ statuses: ['open'], role: 'store_manager', mode: 'once', dueAfterMinutes: 480, rrule: rrulePresets[1].rule }}
        onValuesChange={() => setPreview(null)}
        data-testid="send-form"
      >
        <Form.Item name="orgUnitId" label={t('operations.send.subtree')} rules={[{ required: true, message: t('validation.required') }]}>
          <OrgUnitSelect testId="send-subtree" />
        </Form.Item>
        <Flex gap={8} wrap>
          <Form.Item name="formats" label={t('operations.send.formats')} style={{ flex: 1, minWidth: 160 }}>
            <Select mode="multiple" allowClear options={storeFormats.map((f) => ({ value: f, label: t(`store.format.${f}`) }))} />
          </Form.Item>
          <Form.Item name="statuses" label={t('operations.send.statuses')} style={{ flex: 1, minWidth: 160 }}>
            <Select mode="multiple" options={storeStatuses.map((s) => ({ value: s, label: t(`store.status.${s}`) }))} />
          </Form.Item>
          <Form.Item name="cities" label={t('operations.send.cities')} style={{ flex: 1, minWidth: 160 }}>
            <Select mode="tags" open={false} />
          </Form.Item>
        </Flex>
        <Flex gap={8} wrap>
          <Form.Item name="floorAreaMin" label={t('operations.send.areaMin')}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="floorAreaMax" label={t('operations.send.areaMax')}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="role" label={t('operations.send.role')}>
            <Radio.Group
              options={[
                { value: 'store_manager', label: t('roles.store_manager') },
                { value: 'associate', label: t('roles.associate') },
              ]}
            />
          </Form.Item>
        </Flex>
        <Form.Item name="title" label={t('operations.send.taskTitle')}>
          <Input placeholder={template.name} />
        </Form.Item>
        <Form.Item name="mode">
          <Radio.Group
            options={[
              { value: 'once', label: t('operations.send.once') },
              { value: 'recurring', label: t('operations.send.recurring') },
            ]}
          />
        </Form.Item>
        {mode !== 'recurring' ? (
          <Form.Item
            name="due"
            label={t('operations.send.due')}
            extra={t('operations.send.localTime')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" data-testid="send-due" />
          </Form.Item>
        ) : (
          <Flex gap={8} wrap>
            <Form.Item
              name="rrule"
              label={t('operations.send.rrule')}
              extra="RFC 5545 RRULE"
              style={{ flex: 1, minWidth: 220 }}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <Select options={rrulePresets.map((p) => ({ value: p.rule, label: `${t(p.name)} — ${p.rule}` }))} />
            </Form.Item>
            <Form.Item name="starts" label={t('operations.send.starts')} rules={[{ required: true, message: t('validation.required') }]}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
            </Form.Item>
            <Form.Item name="dueAfterMinutes" label={t('operations.send.dueAfter')}>
              <InputNumber min={1} />
            </Form.Item>
          </Flex>
        )}
      </Form>
      <Flex gap={16} align="center" wrap style={{ marginBottom: 8 }}>
        <Button onClick={() => void runPreview()} loading={check.isPending} data-testid="send-preview">
          {t('operations.send.preview')}
        </Button>
        {preview && <Statistic title={t('operations.send.storeCount')} value={preview.storeCount} data-testid="send-store-count" />}
        {preview && <Statistic title={t('operations.send.occurrences')} value={preview.occurrences} />}
      </Flex>
      {preview && warned && (
        <>
          <WarningsTable warnings={preview.loadWarnings} cap={preview.weeklyMinutesCap} />
          <Checkbox checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)} data-testid="send-anyway">
            {t('operations.send.anyway')}
          </Checkbox>
        </>
      )}
    </Modal>
  );
}
