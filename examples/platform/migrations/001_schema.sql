-- Idempotent, like a migration tool's "up": safe to run on every start.
CREATE TABLE IF NOT EXISTS schema_version (
  version    integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS users (
  id    bigserial PRIMARY KEY,
  email text UNIQUE NOT NULL
);
CREATE TABLE IF NOT EXISTS saga_log (
  id      bigserial PRIMARY KEY,
  saga    text NOT NULL,
  step    text NOT NULL,
  at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
