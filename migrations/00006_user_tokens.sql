-- One-time links that let a person set their password: an invitation for a new account, or a
-- reset an admin issues. Without SMTP the admin is shown the link once and passes it on.

-- +goose Up
CREATE TABLE user_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose     text NOT NULL CHECK (purpose IN ('invite','reset')),
    -- Only a SHA-256 of the token is kept: a copy of the database (a backup, a leak) holds
    -- nothing that works as a link. The token itself has 256 random bits, so no salt or slow
    -- hash is needed to make guessing from the digest hopeless.
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_by  bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    -- set when a newer link for the same person replaces this one, or the account is
    -- deactivated: the link then works no more, though it was never used.
    revoked_at  timestamptz
);
CREATE INDEX user_tokens_open_idx ON user_tokens (user_id) WHERE used_at IS NULL AND revoked_at IS NULL;

-- +goose Down
DROP TABLE user_tokens;
