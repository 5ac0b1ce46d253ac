import PgBoss from 'pg-boss';
import type { Logger } from './logger.ts';

/** A recurring job: a name, a cron expression (UTC) and what it does. */
export interface ScheduledJob {
  name: string;
  cron: string;
  run(): Promise<unknown>;
}

/** Jobs and schedules on the same PostgreSQL (pg-boss): retried, and run once across all nodes. */
export class Jobs {
  readonly boss: PgBoss;

  constructor(
    url: string,
    private readonly log: Logger,
  ) {
    this.boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 4, application_name: 'storeos-jobs' });
    this.boss.on('error', (err) => this.log.warn({ err }, 'job queue error'));
  }

  /** Starts the queue and registers the recurring jobs. */
  async start(jobs: ScheduledJob[]): Promise<void> {
    await this.boss.start();
    for (const job of jobs) {
      await this.boss.createQueue(job.name);
      await this.boss.schedule(job.name, job.cron);
      await this.boss.work(job.name, async () => {
        const result = await job.run();
        this.log.debug({ job: job.name, result }, 'job done');
      });
    }
  }

  /** Lets running jobs finish, then stops. */
  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
