-- Failed sign-ins, kept in the database so throttling holds across every app instance.

-- +goose Up
CREATE TABLE login_failures (
    -- "email:<normalised address>" or "addr:<client address>"; the email key is used whether or
    -- not an account exists, so a lock-out reveals nothing about which accounts exist.
    key         text NOT NULL,
    failed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (key, failed_at DESC);

-- +goose Down
DROP TABLE login_failures;
