-- Reservations are held apart from settled usage: a monthly counter's reservation goes
-- to "reserved" (value stays what was settled, which is all that invoices and reports
-- read), and a limit is checked against value + reserved + the request. Per-minute
-- windows ('m...') count admitted requests: final when admitted, so they go to value.
-- Releasing (negative amounts, null limits) takes the same path back, in the same lock
-- order as before.
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

  SELECT coalesce(bool_or(
           c."value" + c."reserved" + w.amount > w.lim
           OR (w.amount = 0 AND c."value" + c."reserved" >= w.lim AND c."value" + c."reserved" > 0)), false)
  INTO v_blocked
  FROM "UsageCounter" c
  JOIN unnest(p_periods, p_metrics, p_amounts, p_limits) AS w(period, metric, amount, lim)
    ON c."period" = w.period AND c."metric" = w.metric
  WHERE c."clientId" = p_client_id;

  IF EXISTS (SELECT 1 FROM unnest(p_periods) AS p(period) WHERE p.period LIKE 'm%') THEN
    DELETE FROM "UsageCounter" c
    WHERE c."clientId" = p_client_id
      AND c."period" LIKE 'm%'
      AND c."period" < (SELECT min(p.period) FROM unnest(p_periods) AS p(period) WHERE p.period LIKE 'm%');
  END IF;

  IF NOT v_blocked THEN
    UPDATE "UsageCounter" c
    SET "value" = c."value" + CASE WHEN w.period LIKE 'm%' THEN w.amount ELSE 0 END,
        "reserved" = c."reserved" + CASE WHEN w.period LIKE 'm%' THEN 0 ELSE w.amount END,
        "updatedAt" = now()
    FROM unnest(p_periods, p_metrics, p_amounts) AS w(period, metric, amount)
    WHERE c."clientId" = p_client_id AND c."period" = w.period AND c."metric" = w.metric AND w.amount <> 0;
  END IF;

  -- current_value: what the limit was checked against (settled + held by requests in flight).
  RETURN QUERY
  SELECT w.metric, w.period, w.amount, c."value" + c."reserved", w.lim, NOT v_blocked
  FROM "UsageCounter" c
  JOIN unnest(p_periods, p_metrics, p_amounts, p_limits) AS w(period, metric, amount, lim)
    ON c."period" = w.period AND c."metric" = w.metric
  WHERE c."clientId" = p_client_id
  ORDER BY w.period, w.metric;
END;
$$;
