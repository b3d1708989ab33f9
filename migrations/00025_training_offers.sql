-- Offers of freed places to the waiting list, and the reminders sent before sessions.

-- +goose Up

-- When a place frees up, the first person waiting is offered it until expires_at. The offer
-- holds the place (it counts as taken) until it is accepted (the booking becomes booked),
-- declined or expires (the person leaves the waiting list and the place passes to the next),
-- or is withdrawn (the session was cancelled or started). Offers are made and closed only
-- under the session's row lock.
CREATE TABLE training_offers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id  bigint NOT NULL REFERENCES training_bookings(id),
    session_id  bigint NOT NULL REFERENCES training_sessions(id),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open','accepted','declined','expired','withdrawn')),
    offered_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    closed_at   timestamptz,
    CHECK (expires_at > offered_at),
    CHECK ((status = 'open') = (closed_at IS NULL))
);
-- One open offer per booking: a person is never offered two places on one session.
CREATE UNIQUE INDEX training_offers_open_idx ON training_offers (booking_id) WHERE status = 'open';
CREATE INDEX training_offers_session_idx ON training_offers (session_id) WHERE status = 'open';
CREATE INDEX training_offers_expiry_idx ON training_offers (expires_at) WHERE status = 'open';

-- One reminder per booking and session date: the periodic job records each one in the
-- transaction that queues its email, so it goes once however many instances look. A session
-- moved to another date gets a reminder for its new date.
CREATE TABLE training_reminders_sent (
    booking_id  bigint NOT NULL REFERENCES training_bookings(id),
    starts_at   timestamptz NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (booking_id, starts_at)
);

-- +goose Down
DROP TABLE training_reminders_sent, training_offers;
