-- +goose Up
-- Case consultations and coaching (issue 17): the model's other sessions. No venue capacity:
-- a session is made of slots, each a time with a named practitioner, booked by one person.
CREATE TABLE consultation_sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('consultation', 'coaching')),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    venue        text NOT NULL DEFAULT '' CHECK (length(venue) <= 300),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE consultation_slots (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id        bigint NOT NULL REFERENCES consultation_sessions(id),
    starts_at         timestamptz NOT NULL,
    minutes           integer NOT NULL CHECK (minutes BETWEEN 10 AND 480),
    practitioner      text NOT NULL CHECK (length(practitioner) BETWEEN 1 AND 120),
    practitioner_org  text NOT NULL DEFAULT '' CHECK (length(practitioner_org) <= 200),
    booked_by         bigint REFERENCES users(id),
    booked_at         timestamptz,
    version           integer NOT NULL DEFAULT 1,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((booked_by IS NULL) = (booked_at IS NULL))
);
CREATE INDEX consultation_slots_session_idx ON consultation_slots (session_id, starts_at);
-- One slot a person in each session: a second booking by the same person fails here too.
CREATE UNIQUE INDEX consultation_slots_one_each ON consultation_slots (session_id, booked_by) WHERE booked_by IS NOT NULL;

-- +goose Down
DROP TABLE consultation_slots;
DROP TABLE consultation_sessions;
