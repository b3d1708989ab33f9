-- Report a problem (issue 13): anyone who reads an agency's page can say that something on it
-- is wrong. A report keeps only what the reporter typed: what is wrong, an optional note and an
-- optional email for a reply. No address, no browser, no account: nothing else about them.

-- +goose Up
CREATE TABLE problem_reports (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id       bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('phone', 'email', 'address', 'hours', 'closed', 'other')),
    note            text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
    reply_email     text NOT NULL DEFAULT '' CHECK (char_length(reply_email) <= 254),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'resolved')),
    resolution_note text NOT NULL DEFAULT '' CHECK (char_length(resolution_note) <= 1000),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    resolved_by     bigint REFERENCES users(id) ON DELETE SET NULL,
    CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
-- The admins' list: open first, newest first, by status.
CREATE INDEX problem_reports_status_idx ON problem_reports (status, created_at DESC);
CREATE INDEX problem_reports_agency_idx ON problem_reports (agency_id);

-- Recent reports per client, for the throttle shared by every app instance. The client is a
-- keyed hash (HMAC-SHA-256) of its address, never the address itself; the key is random, made
-- here once per database, so a hash cannot be turned back into an address by trying them all
-- without it. Rows older than a day are pruned whenever a report is made.
CREATE TABLE problem_report_key (
    only_one boolean PRIMARY KEY DEFAULT true CHECK (only_one),
    key      bytea NOT NULL
);
INSERT INTO problem_report_key (key) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
CREATE TABLE problem_report_submissions (
    client       bytea NOT NULL,
    submitted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problem_report_submissions_idx ON problem_report_submissions (client, submitted_at DESC);

-- +goose Down
DROP TABLE problem_report_submissions;
DROP TABLE problem_report_key;
DROP TABLE problem_reports;
