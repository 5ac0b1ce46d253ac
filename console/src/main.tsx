// The console's entry: dictionaries first, then the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './app.tsx';
import { handleUnauthorized } from './lib/auth.tsx';
import { initI18n } from './lib/i18n.ts';
import { createQueryClient } from './lib/query-client.ts';
import { createConsoleRouter } from './router.tsx';
import './styles.css';

function start(): void {
  const queryClient = createQueryClient();
  const router = createConsoleRouter(queryClient);
  handleUnauthorized(queryClient, () => {
    const here = router.state.location.href;
    void router.navigate({ to: '/sign-in', search: { redirect: here }, replace: true });
  });
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <ConsoleApp queryClient={queryClient} router={router} />
    </StrictMode>,
  );
}

void initI18n().then(start);
