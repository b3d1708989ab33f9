-- +goose Up
-- Sign-in attempts are recorded before the password is checked, under a lock per key, so
-- parallel guesses cannot all slip under the limit; a success takes its own rows away again.
ALTER TABLE login_failures ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;

-- Addresses an account has signed in from (the normalised email and the client address), so
-- the slower limit per account, which stops guessing spread over many addresses, never stops
-- the person from their own usual address. Kept 90 days after the last sign-in.
CREATE TABLE sign_in_known_clients (
    email      text NOT NULL,
    client     text NOT NULL,
    last_seen  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (email, client)
);

-- Failed sign-ins are kept in the audit trail for 90 days, not for ever: this finds the old.
CREATE INDEX audit_events_failed_sign_in_idx ON audit_events (occurred_at) WHERE action = 'auth.sign_in_failed';

-- +goose Down
DROP INDEX audit_events_failed_sign_in_idx;
DROP TABLE sign_in_known_clients;
ALTER TABLE login_failures DROP COLUMN id;
