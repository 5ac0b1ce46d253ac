// The campaign builder: audience (segments in and out), channel, A/B variants, holdout, schedule, quiet hours and pace.
// Saved as a draft; the campaign page then shows the audience after consent and caps, a preview and a test send.
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useNavigate } from '@tanstack/react-router';
import { Button, Card, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { showError } from '../../lib/feedback.ts';
import { useChannels, useMarketingActions, useSegmentOptions, useTemplates } from './marketing-queries.ts';

interface BuilderValues {
  name: string;
  channelId: string;
  purpose: string;
  includeSegments: string[];
  excludeSegments?: string[];
  variants: { key: string; templateId: string; weight: number }[];
  holdoutPercent: number;
  scheduleKind: 'now' | 'at' | 'recurring';
  at?: Dayjs;
  rrule?: string;
  quietStart: string;
  quietEnd: string;
  ratePerMinute: number;
  attributionDays: number;
}

/** The new-campaign page. */
export function CampaignBuilderPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<BuilderValues>();
  const segments = useSegmentOptions().data?.data ?? [];
  const templates = useTemplates().data?.data ?? [];
  const channels = useChannels().data?.data ?? [];
  const { createCampaign } = useMarketingActions();
  const kind = Form.useWatch('scheduleKind', form);

  const submit = async (v: BuilderValues) => {
    try {
      const c = await createCampaign.mutateAsync({
        name: v.name,
        channelId: v.channelId,
        purpose: v.purpose,
        includeSegments: v.includeSegments,
        excludeSegments: v.excludeSegments ?? [],
        variants: v.variants,
        holdoutPercent: v.holdoutPercent,
        schedule: {
          kind: v.scheduleKind,
          ...(v.scheduleKind === 'at' && v.at ? { at: v.at.toISOString() } : {}),
          ...(v.scheduleKind === 'recurring' ? { rrule: v.rrule } : {}),
        },
        quietStart: v.quietStart,
        quietEnd: v.quietEnd,
        ratePerMinute: v.ratePerMinute,
        attributionDays: v.attributionDays,
      });
      await navigate({ to: '/marketing/campaigns/$campaignId', params: { campaignId: c.id } });
    } catch (err) {
      showError(err);
    }
  };

  const segmentOptions = segments.map((s) => ({ value: s.id, label: s.memberCount === undefined ? s.name : `${s.name} (${s.memberCount})` }));
  return (
    <Card title={t('marketing.newCampaign')} data-testid="campaign-builder">
      <Form<BuilderValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 720 }}
        onFinish={submit}
        initialValues={{
          purpose: 'marketing',
          holdoutPercent: 10,
          scheduleKind: 'now',
          quietStart: '21:00',
          quietEnd: '09:00',
          ratePerMinute: 600,
          attributionDays: 7,
          variants: [{ key: 'A', weight: 1 }],
        }}
      >
        <Form.Item name="name" label={t('marketing.name')} rules={[{ required: true }]}>
          <Input data-testid="campaign-name" />
        </Form.Item>
        <Form.Item name="includeSegments" label={t('marketing.includeSegments')} rules={[{ required: true }]}>
          <Select mode="multiple" options={segmentOptions} optionFilterProp="label" data-testid="campaign-include" />
        </Form.Item>
        <Form.Item name="excludeSegments" label={t('marketing.excludeSegments')}>
          <Select mode="multiple" options={segmentOptions} optionFilterProp="label" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="channelId" label={t('marketing.channel')} rules={[{ required: true }]}>
            <Select style={{ width: 240 }} options={channels.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))} data-testid="campaign-channel" />
          </Form.Item>
          <Form.Item name="purpose" label={t('marketing.purpose')}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="holdoutPercent" label={t('marketing.holdoutPercent')}>
            <InputNumber min={0} max={50} addonAfter="%" />
          </Form.Item>
        </Space>
        <Typography.Text strong>{t('marketing.variants')}</Typography.Text>
        <Form.List name="variants">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, 'key']} rules={[{ required: true }]}>
                    <Input style={{ width: 70 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'templateId']} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 260 }}
                      placeholder={t('marketing.template')}
                      options={templates.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
                      data-testid="campaign-template"
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'weight']} rules={[{ required: true }]}>
                    <InputNumber min={1} max={100} addonBefore={t('marketing.weight')} />
                  </Form.Item>
                  {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />}
                </Space>
              ))}
              {fields.length < 5 && (
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ key: String.fromCharCode(65 + fields.length), weight: 1 })}
                  style={{ marginBottom: 16 }}
                >
                  {t('marketing.addVariant')}
                </Button>
              )}
            </>
          )}
        </Form.List>
        <Form.Item name="scheduleKind" label={t('marketing.schedule')}>
          <Radio.Group options={(['now', 'at', 'recurring'] as const).map((k) => ({ value: k, label: t(`marketing.scheduleKind.${k}`) }))} />
        </Form.Item>
        {kind === 'at' && (
          <Form.Item name="at" rules={[{ required: true }]}>
            <DatePicker showTime />
          </Form.Item>
        )}
        {kind === 'recurring' && (
          <Form.Item name="rrule" label="RRULE" rules={[{ required: true }]} extra="FREQ=WEEKLY;BYDAY=FR;BYHOUR=10;BYMINUTE=0">
            <Input />
          </Form.Item>
        )}
        <Space wrap>
          <Form.Item name="quietStart" label={t('marketing.quietStart')} rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }]}>
            <Input style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="quietEnd" label={t('marketing.quietEnd')} rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }]}>
            <Input style={{ width: 90 }} />
          </Form.Item>
          <Form.Item name="ratePerMinute" label={t('marketing.ratePerMinute')}>
            <InputNumber min={1} max={1_000_000} />
          </Form.Item>
          <Form.Item name="attributionDays" label={t('marketing.attributionDays')}>
            <InputNumber min={1} max={90} />
          </Form.Item>
        </Space>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={createCampaign.isPending} data-testid="campaign-save">
            {t('marketing.saveDraft')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
