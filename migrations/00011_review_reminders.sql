-- +goose Up
-- Review reminders: each one sent is recorded, so whichever instance looks, and however
-- often, a reminder goes once. stage names the moment and the review date it is for
-- ("30_days 2027-01-31", "due 2027-01-31", "overdue 2027-01-31 3"; "digest 2027-W05").
CREATE TABLE review_reminders_sent (
    entity_type  text NOT NULL CHECK (entity_type IN ('agency', 'contact', 'digest')),
    entity_id    bigint NOT NULL,
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    stage        text NOT NULL,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entity_type, entity_id, user_id, stage)
);

-- The key that signs "still correct" links; made here, never in code.
CREATE TABLE review_link_key (
    only_one boolean PRIMARY KEY DEFAULT true CHECK (only_one),
    key      bytea NOT NULL
);
INSERT INTO review_link_key (key) VALUES (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));

-- +goose Down
DROP TABLE review_link_key;
DROP TABLE review_reminders_sent;
