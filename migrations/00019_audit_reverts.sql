-- +goose Up
-- A revert records the event it undid (after->>'reverts_event'). The trail shows beside each
-- event whether it has been reverted, and a revert asked for twice answers "already
-- reverted": both look events up by that key.
CREATE INDEX audit_events_reverts_idx ON audit_events ((after->>'reverts_event')) WHERE after ? 'reverts_event';

-- +goose Down
DROP INDEX audit_events_reverts_idx;
