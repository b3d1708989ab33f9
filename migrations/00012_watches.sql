-- +goose Up
-- Staff watch organisations: each change to one (or its contacts) is emailed to its watchers.
CREATE TABLE watches (
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    agency_id  bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, agency_id)
);
CREATE INDEX watches_agency_idx ON watches (agency_id);

-- How far through the audit trail the watch job has told watchers: one row, moved in the
-- transaction that queues the emails, so each change is told once.
CREATE TABLE watch_cursor (
    only_one      boolean PRIMARY KEY DEFAULT true CHECK (only_one),
    last_event_id bigint NOT NULL
);
INSERT INTO watch_cursor (last_event_id) SELECT coalesce(max(id), 0) FROM audit_events;

-- +goose Down
DROP TABLE watch_cursor;
DROP TABLE watches;
