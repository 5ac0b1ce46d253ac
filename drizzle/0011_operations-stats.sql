-- Custom SQL (operations): keeps task_store_day_stats in step with task_instances, one statement at a time.
-- Statement-level triggers with transition tables: a fan-out to 4,000 stores updates the rollup in one grouped
-- upsert, and a draft save that changes no counted column writes nothing.
CREATE FUNCTION operations_task_stats_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_store_day_stats AS st (store_id, day, tenant_id, total, completed, on_time, overdue, expired, minutes)
  SELECT * FROM (
    SELECT store_id, due_date, min(tenant_id),
      sum(sign)::int AS total,
      coalesce(sum(sign) FILTER (WHERE status IN ('submitted', 'approved')), 0)::int AS completed,
      coalesce(sum(sign) FILTER (WHERE status IN ('submitted', 'approved') AND submitted_at <= due_at), 0)::int AS on_time,
      coalesce(sum(sign) FILTER (WHERE status = 'overdue'), 0)::int AS overdue,
      coalesce(sum(sign) FILTER (WHERE status = 'expired'), 0)::int AS expired,
      coalesce(sum(sign * estimated_minutes), 0)::int AS minutes
    FROM (SELECT store_id, due_date, tenant_id, status, submitted_at, due_at, estimated_minutes, 1 AS sign FROM new_rows) AS d
    GROUP BY store_id, due_date
  ) AS g
  WHERE g.total <> 0 OR g.completed <> 0 OR g.on_time <> 0 OR g.overdue <> 0 OR g.expired <> 0 OR g.minutes <> 0
  ORDER BY 1, 2
  ON CONFLICT (store_id, day) DO UPDATE SET
    total = st.total + excluded.total, completed = st.completed + excluded.completed, on_time = st.on_time + excluded.on_time,
    overdue = st.overdue + excluded.overdue, expired = st.expired + excluded.expired, minutes = st.minutes + excluded.minutes;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION operations_task_stats_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_store_day_stats AS st (store_id, day, tenant_id, total, completed, on_time, overdue, expired, minutes)
  SELECT * FROM (
    SELECT store_id, due_date, min(tenant_id),
      sum(sign)::int AS total,
      coalesce(sum(sign) FILTER (WHERE status IN ('submitted', 'approved')), 0)::int AS completed,
      coalesce(sum(sign) FILTER (WHERE status IN ('submitted', 'approved') AND submitted_at <= due_at), 0)::int AS on_time,
      coalesce(sum(sign) FILTER (WHERE status = 'overdue'), 0)::int AS overdue,
      coalesce(sum(sign) FILTER (WHERE status = 'expired'), 0)::int AS expired,
      coalesce(sum(sign * estimated_minutes), 0)::int AS minutes
    FROM (SELECT store_id, due_date, tenant_id, status, submitted_at, due_at, estimated_minutes, 1 AS sign FROM new_rows UNION ALL SELECT store_id, due_date, tenant_id, status, submitted_at, due_at, estimated_minutes, -1 AS sign FROM old_rows) AS d
    GROUP BY store_id, due_date
  ) AS g
  WHERE g.total <> 0 OR g.completed <> 0 OR g.on_time <> 0 OR g.overdue <> 0 OR g.expired <> 0 OR g.minutes <> 0
  ORDER BY 1, 2
  ON CONFLICT (store_id, day) DO UPDATE SET
    total = st.total + excluded.total, completed = st.completed + excluded.completed, on_time = st.on_time + excluded.on_time,
    overdue = st.overdue + excluded.overdue, expired = st.expired + excluded.expired, minutes = st.minutes + excluded.minutes;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION operations_task_stats_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO task_store_day_stats AS st (store_id, day, tenant_id, total, completed, on_time, overdue, expired, minutes)
  SELECT * FROM (
    SELECT store_id, due_date, min(tenant_id),
      sum(sign)::int AS total,
      coalesce(sum(sign) FILTER (WHERE status IN ('submitted', 'approved')), 0)::int AS completed,
      coalesce(sum(sign) FILTER (WHERE status IN ('submitted', 'approved') AND submitted_at <= due_at), 0)::int AS on_time,
      coalesce(sum(sign) FILTER (WHERE status = 'overdue'), 0)::int AS overdue,
      coalesce(sum(sign) FILTER (WHERE status = 'expired'), 0)::int AS expired,
      coalesce(sum(sign * estimated_minutes), 0)::int AS minutes
    FROM (SELECT store_id, due_date, tenant_id, status, submitted_at, due_at, estimated_minutes, -1 AS sign FROM old_rows) AS d
    GROUP BY store_id, due_date
  ) AS g
  WHERE g.total <> 0 OR g.completed <> 0 OR g.on_time <> 0 OR g.overdue <> 0 OR g.expired <> 0 OR g.minutes <> 0
  ORDER BY 1, 2
  ON CONFLICT (store_id, day) DO UPDATE SET
    total = st.total + excluded.total, completed = st.completed + excluded.completed, on_time = st.on_time + excluded.on_time,
    overdue = st.overdue + excluded.overdue, expired = st.expired + excluded.expired, minutes = st.minutes + excluded.minutes;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER task_instances_stats_insert AFTER INSERT ON task_instances REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION operations_task_stats_insert();
--> statement-breakpoint
CREATE TRIGGER task_instances_stats_update AFTER UPDATE ON task_instances REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION operations_task_stats_update();
--> statement-breakpoint
CREATE TRIGGER task_instances_stats_delete AFTER DELETE ON task_instances REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION operations_task_stats_delete();
