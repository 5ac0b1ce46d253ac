// A person's identifiers by type (anonymous ids included), split some off into a new person, and the identity
// history: merges, splits, dropped links (limits, blocked values) and re-homed identifiers.
import { useNavigate } from '@tanstack/react-router';
import { Button, Card, Checkbox, Empty, Modal, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../lib/api-client.ts';
import { useAuth } from '../../../lib/auth.tsx';
import { formatDateTime } from '../../../lib/date-format.ts';
import { showSuccess } from '../../../lib/feedback.ts';
import { useLanguage } from '../../../lib/i18n.ts';
import { identifierLabel } from '../customer-labels.tsx';
import type { Identity, Profile } from '../customer-types.ts';
import { useIdentityHistory, useProfileMutation } from './profile-queries.ts';

const idKey = (i: { type: string; value: string }) => `${i.type}\u0000${i.value}`;

function SplitDialog({ profile, chosen, onClose }: { profile: Profile; chosen: Identity[]; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const split = useProfileMutation(() =>
    api.post<{ profile: Profile; newProfile: Profile }>(`/profiles/${profile.id}/split`, { identifiers: chosen.map(({ type, value }) => ({ type, value })) }),
  );
  return (
    <Modal
      open
      title={t('customers.identities.splitTitle')}
      okText={t('customers.identities.split')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      confirmLoading={split.isPending}
      onCancel={onClose}
      onOk={() =>
        split.mutate(undefined, {
          onSuccess: (result) => {
            showSuccess(t('customers.identities.splitDone'));
            onClose();
            void navigate({ to: '/customers/profiles/$profileId', params: { profileId: result.newProfile.id } });
          },
        })
      }
    >
      <Typography.Paragraph>{t('customers.identities.splitHelp')}</Typography.Paragraph>
      {chosen.map((i) => (
        <Tag key={idKey(i)}>{`${identifierLabel(t, i.type)}: ${i.value}`}</Tag>
      ))}
    </Modal>
  );
}

/** The identities card of a person. */
export function IdentitiesCard({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { can } = useAuth();
  const history = useIdentityHistory(profile.id);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [splitting, setSplitting] = useState(false);
  const mayWrite = can('customers:write');
  const types = [...new Set(profile.identities.map((i) => i.type))];
  const chosenIdentities = profile.identities.filter((i) => chosen.has(idKey(i)));

  return (
    <Space orientation="vertical" size={16} style={{ display: 'flex' }}>
      <Card
        title={t('customers.identities.title')}
        data-testid="profile-identities"
        extra={
          mayWrite && (
            <Button danger disabled={chosen.size === 0} onClick={() => setSplitting(true)} data-testid="identities-split">
              {t('customers.identities.splitCount', { count: chosen.size })}
            </Button>
          )
        }
      >
        {types.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          types.map((type) => (
            <div key={type} style={{ marginBottom: 12 }}>
              <Typography.Text type="secondary">{identifierLabel(t, type)}</Typography.Text>
              {profile.identities
                .filter((i) => i.type === type)
                .map((i) => (
                  <div key={idKey(i)} data-testid="identity" data-type={i.type} style={{ display: 'flex', gap: 8, alignItems: 'baseline', flexWrap: 'wrap' }}>
                    {mayWrite && (
                      <Checkbox
                        checked={chosen.has(idKey(i))}
                        onChange={(event) => {
                          const next = new Set(chosen);
                          if (event.target.checked) next.add(idKey(i));
                          else next.delete(idKey(i));
                          setChosen(next);
                        }}
                      />
                    )}
                    <Typography.Text copyable style={{ wordBreak: 'break-all' }} data-testid="identity-value">
                      {i.value}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(i.linkedAt, language)}
                    </Typography.Text>
                  </div>
                ))}
            </div>
          ))
        )}
        {profile.mergedProfileIds.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('customers.identities.mergedFrom', { ids: profile.mergedProfileIds.join(', ') })}
          </Typography.Paragraph>
        )}
      </Card>
      <Card title={t('customers.identities.history')} data-testid="identity-history">
        {history.isPending ? (
          <Skeleton active />
        ) : (history.data ?? []).length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.identities.noHistory')} />
        ) : (
          <Timeline
            items={(history.data ?? []).map((entry, index) => ({
              key: index,
              color: entry.kind === 'link_dropped' ? 'orange' : entry.kind === 'split' ? 'red' : 'blue',
              content: (
                <div>
                  <Space size={4} wrap>
                    <Tag>{entry.kind}</Tag>
                    <Typography.Text>{entry.reason}</Typography.Text>
                  </Space>
                  <div>
                    {entry.identifiers.map((i) => (
                      <Tag key={idKey(i)} style={{ marginTop: 4 }}>{`${identifierLabel(t, i.type)}: ${i.value}`}</Tag>
                    ))}
                  </div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(entry.at, language)}
                    {entry.actor ? ` · ${entry.actor}` : ''}
                    {entry.otherProfileId ? ` · ${entry.otherProfileId}` : ''}
                  </Typography.Text>
                </div>
              ),
            }))}
          />
        )}
      </Card>
      {splitting && (
        <SplitDialog
          profile={profile}
          chosen={chosenIdentities}
          onClose={() => {
            setSplitting(false);
            setChosen(new Set());
          }}
        />
      )}
    </Space>
  );
}
