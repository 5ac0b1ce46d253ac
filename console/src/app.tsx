// The providers around the router: antd theme and locale, the query client, the session.
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { App as AntdApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect } from 'react';
import { AuthProvider } from './lib/auth.tsx';
import { connectFeedback } from './lib/feedback.ts';
import { useLanguage } from './lib/i18n.ts';
import { useIsPhone } from './lib/use-is-phone.ts';
import type { createConsoleRouter } from './router.tsx';

/** Hands antd's message and notification instances to code outside components. */
function FeedbackBridge() {
  const { message, notification } = AntdApp.useApp();
  useEffect(() => connectFeedback(message, notification), [message, notification]);
  return null;
}

/** The whole console. */
export function ConsoleApp({ queryClient, router }: { queryClient: QueryClient; router: ReturnType<typeof createConsoleRouter> }) {
  const language = useLanguage();
  const isPhone = useIsPhone();
  return (
    <ConfigProvider
      locale={language === 'zh-CN' ? zhCN : enUS}
      theme={{
        token: { colorPrimary: '#1677ff', borderRadius: 8 },
        // on a phone every card gives its content the width instead of padding
        components: isPhone ? { Card: { bodyPadding: 12, headerPadding: 12 } } : undefined,
      }}
    >
      <AntdApp>
        <FeedbackBridge />
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </QueryClientProvider>
      </AntdApp>
    </ConfigProvider>
  );
}
