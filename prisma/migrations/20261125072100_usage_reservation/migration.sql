-- Atomic, all-or-nothing reservation of usage against plan limits: the one database
-- round trip that enforcement adds to a chat request.
--
-- For each (period, metric) it ensures a counter row, locks all rows in a fixed order
-- (so reservations of several metrics never deadlock), and then either adds every
-- amount or none. A metric is over its limit when value + amount > limit, or, for an
-- amount of 0 (a metric only known after the call, e.g. tool calls), when its usage has
-- reached the limit: value >= limit and value > 0 (a limit of 0 on tool calls means "no
-- tools", not "no chat").
-- Each statement of a plpgsql function sees the latest committed data (READ COMMITTED),
-- and the row locks are held until the caller's transaction ends. A null limit never
-- blocks: releasing a reservation calls this with negative amounts and null limits, so
-- it takes the locks in the same order.
CREATE OR REPLACE FUNCTION meterline_reserve_usage(
  p_client_id uuid,
  p_periods text[],
  p_metrics text[],
  p_amounts numeric[],
  p_limits numeric[]
) RETURNS TABLE (metric text, period text, amount numeric, current_value numeric, limit_value numeric, allowed boolean)
LANGUAGE plpgsql AS $$
DECLARE
  v_blocked boolean;
BEGIN
  -- Every statement that touches a client's counters does so in (period, metric) order:
  -- this one, the lock below, and the settling statement in record-usage.ts.
  INSERT INTO "UsageCounter" ("clientId", "period", "metric", "value", "updatedAt")
  SELECT p_client_id, w.period, w.metric, 0, now()
  FROM unnest(p_periods, p_metrics) AS w(period, metric)
  ORDER BY w.period, w.metric
  ON CONFLICT DO NOTHING;

  PERFORM 1
  FROM "UsageCounter" c
  WHERE c."clientId" = p_client_id
    AND (c."period", c."metric") IN (SELECT * FROM unnest(p_periods, p_metrics))
  ORDER BY c."period", c."metric"
  FOR UPDATE;

  SELECT coalesce(bool_or(c."value" + w.amount > w.lim OR (w.amount = 0 AND c."value" >= w.lim AND c."value" > 0)), false)
  INTO v_blocked
  FROM "UsageCounter" c
  JOIN unnest(p_periods, p_metrics, p_amounts, p_limits) AS w(period, metric, amount, lim)
    ON c."period" = w.period AND c."metric" = w.metric
  WHERE c."clientId" = p_client_id;

  -- Per-minute windows (periods 'm<UTC minute>') are worthless after a minute: drop
  -- this client's old ones while their rows are at hand. The primary key index makes
  -- this a short range scan.
  IF EXISTS (SELECT 1 FROM unnest(p_periods) AS p(period) WHERE p.period LIKE 'm%') THEN
    DELETE FROM "UsageCounter" c
    WHERE c."clientId" = p_client_id
      AND c."period" LIKE 'm%'
      AND c."period" < (SELECT min(p.period) FROM unnest(p_periods) AS p(period) WHERE p.period LIKE 'm%');
  END IF;

  IF NOT v_blocked THEN
    UPDATE "UsageCounter" c
    SET "value" = c."value" + w.amount, "updatedAt" = now()
    FROM unnest(p_periods, p_metrics, p_amounts) AS w(period, metric, amount)
    WHERE c."clientId" = p_client_id AND c."period" = w.period AND c."metric" = w.metric AND w.amount <> 0;
  END IF;

  RETURN QUERY
  SELECT w.metric, w.period, w.amount, c."value", w.lim, NOT v_blocked
  FROM "UsageCounter" c
  JOIN unnest(p_periods, p_metrics, p_amounts, p_limits) AS w(period, metric, amount, lim)
    ON c."period" = w.period AND c."metric" = w.metric
  WHERE c."clientId" = p_client_id
  ORDER BY w.period, w.metric;
END;
$$;
