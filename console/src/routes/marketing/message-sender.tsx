// Who sent a marketing message, as a link: its campaign, or its journey with the step (profile page, dead letters).
import { Link } from '@tanstack/react-router';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MessageSender } from './marketing-types.ts';

/** The campaign's name, or the journey's name over "Journey · step …", each linking to its page. */
export function MessageSenderLink({ sender }: { sender: MessageSender }) {
  const { t } = useTranslation();
  if (sender.journey)
    return (
      <span>
        <Link to="/marketing/journeys/$journeyId" params={{ journeyId: sender.journey.id }}>
          {sender.journey.name}
        </Link>
        <br />
        <Typography.Text type="secondary">{t('marketing.journeyStep', { step: sender.journey.stepId })}</Typography.Text>
      </span>
    );
  if (!sender.campaignId) return null;
  return (
    <Link to="/marketing/campaigns/$campaignId" params={{ campaignId: sender.campaignId }}>
      {sender.campaignName}
    </Link>
  );
}
