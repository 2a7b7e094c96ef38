-- The chat request's first write, in one round trip: claim the idempotency key with a
-- leased attempt, and reserve against the plan's limits (meterline_reserve_usage), all or
-- nothing. Also gives back what this client's expired attempts still hold (a process that
-- died mid-call), before deciding, so a crash never uses up a client's limits for good.
--
-- outcome: 'claimed' (go on: call the provider), 'blocked' (a limit; the attempt is closed
-- as failed and holds nothing), or, for a key already claimed, 'in_flight' (409),
-- 'settled' (replay the stored answer) or 'mismatch' (same key, another request: 422).
-- A key whose attempt failed or was abandoned may be claimed again by the same request.
CREATE OR REPLACE FUNCTION meterline_release_attempt(p_attempt_id uuid) RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_client uuid;
  v_reservations jsonb;
BEGIN
  SELECT a."clientId", a.reservations INTO v_client, v_reservations FROM "ChatAttempt" a WHERE a.id = p_attempt_id;
  IF v_reservations IS NULL OR jsonb_array_length(v_reservations) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM meterline_reserve_usage(
    v_client,
    ARRAY(SELECT r->>'period' FROM jsonb_array_elements(v_reservations) r),
    ARRAY(SELECT r->>'counter' FROM jsonb_array_elements(v_reservations) r),
    ARRAY(SELECT -((r->>'amount')::numeric) FROM jsonb_array_elements(v_reservations) r),
    ARRAY(SELECT NULL::numeric FROM jsonb_array_elements(v_reservations) r));
END;
$$;

-- Expires in-flight attempts whose lease ran out (of one client, or of all with NULL):
-- their reservations are given back and they are left 'abandoned'. Returns how many.
CREATE OR REPLACE FUNCTION meterline_expire_chat_attempts(p_client_id uuid, p_now timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_id uuid;
  v_count integer := 0;
BEGIN
  FOR v_id IN
    SELECT a.id FROM "ChatAttempt" a
    WHERE a.status = 'in_flight' AND a."leaseExpiresAt" < p_now AND (p_client_id IS NULL OR a."clientId" = p_client_id)
    ORDER BY a."clientId", a.id
    FOR UPDATE SKIP LOCKED
  LOOP
    PERFORM meterline_release_attempt(v_id);
    UPDATE "ChatAttempt" SET status = 'abandoned', reservations = '[]', "updatedAt" = p_now WHERE id = v_id;
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END;
$$;

CREATE OR REPLACE FUNCTION meterline_begin_chat_attempt(
  p_client_id uuid,
  p_key text,
  p_request_hash text,
  p_now timestamptz,
  p_lease_expires_at timestamptz,
  p_reservations jsonb,
  p_estimated_cost numeric,
  p_periods text[],
  p_metrics text[],
  p_amounts numeric[],
  p_limits numeric[]
) RETURNS TABLE (
  outcome text, attempt_id uuid, lease_expires_at timestamptz,
  metric text, period text, amount numeric, current_value numeric, limit_value numeric, allowed boolean
)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_id uuid;
  v_existing record;
  v_blocked boolean := false;
  r record;
BEGIN
  PERFORM meterline_expire_chat_attempts(p_client_id, p_now);

  INSERT INTO "ChatAttempt" ("clientId", "idempotencyKey", "requestHash", status, "leaseExpiresAt", reservations, "estimatedCostUsd", "createdAt", "updatedAt")
  VALUES (p_client_id, p_key, p_request_hash, 'in_flight', p_lease_expires_at, p_reservations, p_estimated_cost, p_now, p_now)
  ON CONFLICT ("clientId", "idempotencyKey") DO UPDATE
    SET status = 'in_flight', "leaseExpiresAt" = EXCLUDED."leaseExpiresAt", reservations = EXCLUDED.reservations,
        "estimatedCostUsd" = EXCLUDED."estimatedCostUsd", "updatedAt" = EXCLUDED."updatedAt"
    WHERE "ChatAttempt".status IN ('failed', 'abandoned') AND "ChatAttempt"."requestHash" = EXCLUDED."requestHash"
  RETURNING id INTO v_id;

  IF v_id IS NULL THEN
    SELECT a.id, a.status::text AS status, a."requestHash", a."leaseExpiresAt" INTO v_existing
    FROM "ChatAttempt" a WHERE a."clientId" = p_client_id AND a."idempotencyKey" = p_key;
    outcome := CASE WHEN v_existing."requestHash" <> p_request_hash THEN 'mismatch' ELSE v_existing.status END;
    attempt_id := v_existing.id;
    lease_expires_at := v_existing."leaseExpiresAt";
    RETURN NEXT;
    RETURN;
  END IF;

  attempt_id := v_id;
  lease_expires_at := p_lease_expires_at;
  IF coalesce(array_length(p_periods, 1), 0) = 0 THEN
    outcome := 'claimed';
    RETURN NEXT;
    RETURN;
  END IF;

  FOR r IN SELECT * FROM meterline_reserve_usage(p_client_id, p_periods, p_metrics, p_amounts, p_limits) LOOP
    v_blocked := v_blocked OR NOT r.allowed;
    metric := r.metric; period := r.period; amount := r.amount;
    current_value := r.current_value; limit_value := r.limit_value; allowed := r.allowed;
    outcome := CASE WHEN r.allowed THEN 'claimed' ELSE 'blocked' END;
    RETURN NEXT;
  END LOOP;
  IF v_blocked THEN
    -- Refused by a limit: nothing was reserved; the key may be used again later.
    UPDATE "ChatAttempt" SET status = 'failed', reservations = '[]', "estimatedCostUsd" = 0 WHERE id = v_id;
  END IF;
END;
$$;

-- Every provider of the chain failed: give back what the attempt holds and close it as
-- failed (the same request may claim its key again). A no-op unless it is in flight.
CREATE OR REPLACE FUNCTION meterline_fail_chat_attempt(p_attempt_id uuid, p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM "ChatAttempt" a WHERE a.id = p_attempt_id AND a.status = 'in_flight' FOR UPDATE;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  PERFORM meterline_release_attempt(p_attempt_id);
  UPDATE "ChatAttempt" SET status = 'failed', reservations = '[]', "updatedAt" = p_now WHERE id = p_attempt_id;
END;
$$;
