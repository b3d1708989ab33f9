-- Curation: what each admin has already seen of the changes others made.

-- +goose Up
-- The admin dashboard lists changes made by people who are not admins since this admin last
-- looked. An audit event id marks the place (ids only grow, and two events may share a time);
-- it moves on each time the admin opens the dashboard. One row per admin, kept only for them.
CREATE TABLE admin_views (
    user_id             bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_seen_audit_id  bigint NOT NULL DEFAULT 0,
    -- when the mark last moved, to say "since you last looked on ...".
    seen_at             timestamptz NOT NULL DEFAULT now(),
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Overdue lists read review_due of live rows.
CREATE INDEX agencies_review_due_idx ON agencies (review_due) WHERE archived_at IS NULL;
CREATE INDEX contacts_review_due_idx ON contacts (review_due) WHERE archived_at IS NULL;

-- +goose Down
DROP INDEX contacts_review_due_idx;
DROP INDEX agencies_review_due_idx;
DROP TABLE admin_views;
