// Home: who is signed in with which grants, and the stores they can see at a glance.
import { Card, Col, Descriptions, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { StoreSummaryChart } from '../../components/store-summary-chart.tsx';
import { useAuth, useSession } from '../../lib/auth.tsx';
import { roleLabel } from '../../lib/roles.ts';
import { AlarmSummaryChart } from '../alarms/alarm-summary-chart.tsx';

/** The dashboard shown after sign-in. */
export function DashboardPage() {
  const { t } = useTranslation();
  const session = useSession();
  const { can } = useAuth();

  return (
    <Row gutter={[16, 16]} data-testid="dashboard">
      <Col xs={24} lg={10}>
        <Card data-testid="welcome-card">
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {t('home.welcome', { name: session.user.name })}
          </Typography.Title>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('home.tenant')}>{session.user.tenantName}</Descriptions.Item>
            <Descriptions.Item label={t('auth.email')}>{session.user.email}</Descriptions.Item>
          </Descriptions>
          <Typography.Text type="secondary">{t('home.grants')}</Typography.Text>
          <Space orientation="vertical" size={4} style={{ display: 'flex', marginTop: 8 }}>
            {session.grants.map((grant) => (
              <div key={grant.id} data-testid="welcome-grant">
                <Tag color="blue">{roleLabel(t, grant.role)}</Tag>
                <span>{grant.orgUnitName}</span>
              </div>
            ))}
            {session.grants.length === 0 && <Typography.Text type="secondary">{t('home.noGrants')}</Typography.Text>}
          </Space>
        </Card>
      </Col>
      <Col xs={24} lg={14}>
        <StoreSummaryChart />
      </Col>
      {can('alarms:read') && (
        <Col xs={24} lg={10}>
          <AlarmSummaryChart showLink />
        </Col>
      )}
    </Row>
  );
}
