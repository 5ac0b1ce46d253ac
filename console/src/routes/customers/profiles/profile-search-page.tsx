// Find a person by any identifier (any type, or one type looked up exactly), and the RFM spread of everyone.
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { Alert, Card, Col, Input, Row, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ItemList } from '../../../components/item-list.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { identifierLabel, personName } from '../customer-labels.tsx';
import { identifierTypes } from '../customer-types.ts';
import { useProfileSearch } from './profile-queries.ts';
import { RfmDistributionCard } from './rfm-distribution-card.tsx';

const routeApi = getRouteApi('/signed-in/customers/profiles');

/** The people screen. */
export function ProfileSearchPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { type = 'any', q = '' } = routeApi.useSearch();
  const navigate = routeApi.useNavigate();
  const toProfile = useNavigate();
  const [text, setText] = useState(q);
  const search = useProfileSearch(type, q);
  const hits = search.data?.hits ?? [];

  const submit = (nextType: string, value: string) =>
    void navigate({ search: { type: nextType === 'any' ? undefined : nextType, q: value.trim() || undefined }, replace: true });

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }} data-testid="profile-search-page">
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('customers.profiles.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('customers.profiles.subtitle')}</Typography.Text>
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card>
            <Space.Compact style={{ width: '100%' }}>
              <Select
                value={type}
                onChange={(next) => submit(next, text)}
                style={{ width: 150 }}
                data-testid="profile-search-type"
                options={[
                  { value: 'any', label: t('customers.profiles.anyIdentifier') },
                  ...identifierTypes.map((i) => ({ value: i, label: identifierLabel(t, i) })),
                ]}
              />
              <Input.Search
                value={text}
                onChange={(event) => setText(event.target.value)}
                onSearch={(value) => submit(type, value)}
                placeholder={t('customers.profiles.searchPlaceholder')}
                allowClear
                enterButton
                loading={search.isFetching}
                data-testid="profile-search"
              />
            </Space.Compact>
            <div style={{ marginTop: 16 }} data-testid="profile-results" data-loading={search.isFetching} data-count={hits.length}>
              {search.isError ? (
                <Alert type="error" showIcon title={search.error.message} />
              ) : !q ? (
                <Typography.Text type="secondary">{t('customers.profiles.searchHelp')}</Typography.Text>
              ) : (
                <ItemList
                  items={hits}
                  loading={search.isPending}
                  rowKey={(hit) => hit.id}
                  emptyText={t('customers.profiles.noMatch', { q })}
                  itemTestId="profile-hit"
                  renderItem={(hit) => (
                    <button
                      type="button"
                      onClick={() => void toProfile({ to: '/customers/profiles/$profileId', params: { profileId: hit.id } })}
                      style={{ all: 'unset', cursor: 'pointer', display: 'block', width: '100%' }}
                      data-testid="profile-hit-open"
                    >
                      <Typography.Text strong>{personName(hit.traits, hit.id)}</Typography.Text>
                      <div>
                        <Tag>{identifierLabel(t, hit.matched.type)}</Tag>
                        <Typography.Text type="secondary" style={{ wordBreak: 'break-all' }}>
                          {hit.matched.value}
                        </Typography.Text>
                      </div>
                    </button>
                  )}
                  renderExtra={(hit) => (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(hit.lastSeenAt, language)}
                    </Typography.Text>
                  )}
                />
              )}
            </div>
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <RfmDistributionCard />
        </Col>
      </Row>
    </Space>
  );
}
