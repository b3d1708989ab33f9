-- Training: courses, their sessions, and people's bookings on them; and which organisations an
-- admin allows to run courses of their own.

-- +goose Up

-- An organisation listed here may have its RSL officers manage the courses it provides. The
-- row is the admin's permission: present means allowed, so granting and revoking are an insert
-- and a delete (each audited), and nothing about the agency's own entry (or its version)
-- changes.
CREATE TABLE training_providers (
    agency_id   bigint PRIMARY KEY REFERENCES agencies(id),
    granted_by  bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE training_courses (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    -- programme is free text ("Safe & Together") so a new programme needs no code change;
    -- level, delivery and audience are fixed lists the filters offer.
    programme    text NOT NULL CHECK (length(programme) BETWEEN 1 AND 120),
    level        text NOT NULL CHECK (level IN ('awareness','overview','core','supervisor','practice','leadership')),
    delivery     text NOT NULL CHECK (delivery IN ('in_person','online','elearning')),
    audience     text NOT NULL CHECK (audience IN ('everyone','all_staff','housing','rsl','practitioners','managers','core_trained')),
    duration     text NOT NULL DEFAULT '' CHECK (length(duration) <= 100),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    provider_id  bigint NOT NULL REFERENCES agencies(id),
    visibility   text NOT NULL DEFAULT 'staff' CHECK (visibility IN ('public','staff')),
    archived_at  timestamptz,
    demo         boolean NOT NULL DEFAULT false,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_courses_provider_idx ON training_courses (provider_id);

-- A session is one date of a course. Named training_sessions: "sessions" holds sign-ins.
-- Booking locks this row (SELECT ... FOR UPDATE), so places are counted and taken one
-- booking at a time and capacity is never exceeded.
CREATE TABLE training_sessions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    course_id       bigint NOT NULL REFERENCES training_courses(id),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    venue           text NOT NULL DEFAULT '' CHECK (length(venue) <= 300),
    online_url      text NOT NULL DEFAULT '' CHECK (online_url = '' OR online_url ~ '^https?://'),
    capacity        integer NOT NULL CHECK (capacity BETWEEN 1 AND 1000),
    booking_closes  timestamptz,
    cancelled_at    timestamptz,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK (booking_closes IS NULL OR booking_closes <= starts_at)
);
CREATE INDEX training_sessions_course_idx ON training_sessions (course_id, starts_at);
CREATE INDEX training_sessions_starts_idx ON training_sessions (starts_at) WHERE cancelled_at IS NULL;

-- The waiting list's order: numbers drawn under the session's row lock, so they rise in the
-- order bookings were taken.
CREATE SEQUENCE training_waitlist_seq;

-- One row per person and session; cancelling and booking again reuse it.
CREATE TABLE training_bookings (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id    bigint NOT NULL REFERENCES training_sessions(id),
    user_id       bigint NOT NULL REFERENCES users(id),
    -- the person's organisation when they booked, so the report counts people by where they
    -- worked when trained, not where their account says they are now.
    agency_id     bigint REFERENCES agencies(id),
    status        text NOT NULL CHECK (status IN ('booked','waitlisted','cancelled','attended')),
    waitlist_seq  bigint,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (session_id, user_id),
    CHECK ((status = 'waitlisted') = (waitlist_seq IS NOT NULL))
);
CREATE INDEX training_bookings_user_idx ON training_bookings (user_id);
CREATE INDEX training_bookings_waitlist_idx ON training_bookings (session_id, waitlist_seq) WHERE status = 'waitlisted';

-- +goose Down
DROP TABLE training_bookings, training_sessions, training_courses, training_providers;
DROP SEQUENCE training_waitlist_seq;
