-- +goose Up
-- A second factor for signing in: a TOTP secret, set once the person has confirmed a code
-- from their app, and the last time step used, so a code cannot be used twice.
ALTER TABLE users ADD COLUMN totp_secret text CHECK (length(totp_secret) BETWEEN 16 AND 128),
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;

-- Single-use recovery codes, kept as SHA-256 hashes (they are random, 50 bits each, so a
-- fast hash is enough); a used code has used_at set.
CREATE TABLE recovery_codes (
    user_id  bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash     bytea NOT NULL CHECK (length(hash) = 32),
    used_at  timestamptz,
    PRIMARY KEY (user_id, hash)
);

-- +goose Down
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step, DROP COLUMN totp_secret;
