// The inbox bell in the header: the unread count, and a drawer with my notifications, unread first.
import { BellOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { Badge, Button, Drawer, Empty, List, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../lib/api-client.ts';
import { formatDateTime } from '../lib/date-format.ts';
import { useLanguage } from '../lib/i18n.ts';

interface InboxItem {
  id: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

/** The bell and its drawer. */
export function InboxBell() {
  const { t } = useTranslation();
  const language = useLanguage();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const count = useQuery({
    queryKey: ['inbox', 'count'],
    queryFn: () => api.get<{ unread: number }>('/inbox/unread-count'),
    refetchInterval: 30_000,
    meta: { silent: true },
  });
  const list = useInfiniteQuery({
    queryKey: ['inbox', 'list'],
    queryFn: ({ pageParam }) => api.get<{ data: InboxItem[]; nextCursor: string | null }>('/inbox', { cursor: pageParam, limit: 30 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: open,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['inbox'] });
  const read = useMutation({ mutationFn: (id: string) => api.post(`/inbox/${id}/read`), onSettled: refresh });
  const readAll = useMutation({ mutationFn: () => api.post('/inbox/read-all'), onSettled: refresh });
  const items = list.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <>
      <Badge count={count.data?.unread ?? 0} size="small" offset={[-4, 4]}>
        <Button type="text" icon={<BellOutlined />} aria-label={t('maintenance.inbox.title')} data-testid="inbox-bell" onClick={() => setOpen(true)} />
      </Badge>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        title={t('maintenance.inbox.title')}
        extra={
          <Button size="small" onClick={() => readAll.mutate()} disabled={(count.data?.unread ?? 0) === 0}>
            {t('maintenance.inbox.readAll')}
          </Button>
        }
      >
        {items.length === 0 && !list.isPending ? (
          <Empty description={t('maintenance.inbox.empty')} />
        ) : (
          <List
            loading={list.isPending}
            dataSource={items}
            loadMore={
              list.hasNextPage ? (
                <Button block type="link" onClick={() => void list.fetchNextPage()}>
                  …
                </Button>
              ) : null
            }
            renderItem={(n) => (
              <List.Item
                style={{ cursor: 'pointer', opacity: n.readAt ? 0.6 : 1 }}
                onClick={() => {
                  if (!n.readAt) read.mutate(n.id);
                  if (n.link?.startsWith('/')) {
                    setOpen(false);
                    router.history.push(n.link);
                  }
                }}
              >
                <List.Item.Meta
                  title={<Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>}
                  description={
                    <>
                      <div>{n.body}</div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {formatDateTime(n.createdAt, language)}
                      </Typography.Text>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </Drawer>
    </>
  );
}
