import { Alert, Typography } from 'antd';

/** A secret shown once (a generated password, an API key), with a copy button and a warning. */
export function SecretReveal({ secret, warning, testId }: { secret: string; warning: string; testId?: string }) {
  return (
    <>
      <Alert type="warning" showIcon title={warning} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable={{ text: secret }} code style={{ fontSize: 15, wordBreak: 'break-all' }} data-testid={testId}>
        {secret}
      </Typography.Paragraph>
    </>
  );
}
