-- +goose Up
-- A row per signed-in session, so people can see where they are signed in and end the
-- others, and admins can end a person's sessions. The session itself (scs) holds the row's
-- id; a session whose row is gone is signed out at its next request. device is a rough
-- description ("Chrome on Windows"), never the whole User-Agent.
CREATE TABLE user_sessions (
    id            text PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    device        text NOT NULL DEFAULT '' CHECK (length(device) <= 100)
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id, last_seen_at DESC);

-- +goose Down
DROP TABLE user_sessions;
