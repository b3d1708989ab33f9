-- Training that shows its impact (issue 17): each organisation's sector, the evaluation an
-- attendee gives a session, the follow-up three months later, and which answers an admin
-- chose to quote in the partnership's reports.

-- +goose Up

-- An organisation's sector, for the training reports. Existing rows get a sector from their
-- kind where the kind says it (an RSL, the police, health, a domestic abuse service or helpline
-- is the third sector); council teams and the rest start as "other" until an admin chooses.
ALTER TABLE agencies ADD COLUMN sector text NOT NULL DEFAULT 'other'
    CHECK (sector IN ('housing','rsl','police','health','social_work','education','third_sector','other'));
UPDATE agencies SET sector = CASE kind
    WHEN 'rsl' THEN 'rsl' WHEN 'police' THEN 'police' WHEN 'health' THEN 'health'
    WHEN 'da_agency' THEN 'third_sector' WHEN 'helpline' THEN 'third_sector'
    ELSE 'other' END;

-- Which questions of the standard set a course's evaluation asks. No row: all of them.
CREATE TABLE training_eval_questions (
    course_id   bigint PRIMARY KEY REFERENCES training_courses(id),
    questions   text[] NOT NULL
        CHECK (questions <@ ARRAY['confidence','usefulness','differently','comments']::text[]),
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- On the booking, only whether its evaluation and follow-up were answered (and whether the
-- follow-up was asked by email): never what was answered, so the answers below cannot be
-- joined back to a person. Setting these flags leaves the booking's version and updated_at
-- alone, so no timestamp on the booking dates the answer.
ALTER TABLE training_bookings
    ADD COLUMN evaluated      boolean NOT NULL DEFAULT false,
    ADD COLUMN followed_up    boolean NOT NULL DEFAULT false,
    ADD COLUMN followup_asked boolean NOT NULL DEFAULT false;
-- Attendance recorded before this migration is not asked for a follow-up by email.
UPDATE training_bookings SET followup_asked = true WHERE status = 'attended';

-- An evaluation: no user id and no booking id. The session, course and the sector the person
-- worked in (for the reports' filters) and the day it was given. quote_name is kept only when
-- the person ticked "You may quote me by name".
CREATE TABLE training_evaluations (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id          bigint NOT NULL REFERENCES training_sessions(id),
    course_id           bigint NOT NULL REFERENCES training_courses(id),
    sector              text NOT NULL,
    confidence_before   smallint CHECK (confidence_before BETWEEN 1 AND 5),
    confidence_after    smallint CHECK (confidence_after BETWEEN 1 AND 5),
    usefulness          smallint CHECK (usefulness BETWEEN 1 AND 5),
    differently         text NOT NULL DEFAULT '' CHECK (length(differently) <= 2000),
    comments            text NOT NULL DEFAULT '' CHECK (length(comments) <= 2000),
    quote_name          text CHECK (length(quote_name) <= 200),
    chosen_differently  boolean NOT NULL DEFAULT false,
    chosen_comments     boolean NOT NULL DEFAULT false,
    given_on            date NOT NULL DEFAULT (now() AT TIME ZONE 'Europe/London')::date
);
CREATE INDEX training_evaluations_session_idx ON training_evaluations (session_id);

-- A follow-up three months after the session: has practice changed? Anonymous in the same way.
CREATE TABLE training_followups (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  bigint NOT NULL REFERENCES training_sessions(id),
    course_id   bigint NOT NULL REFERENCES training_courses(id),
    sector      text NOT NULL,
    changed     text NOT NULL CHECK (changed IN ('yes','partly','no')),
    how         text NOT NULL DEFAULT '' CHECK (length(how) <= 2000),
    quote_name  text CHECK (length(quote_name) <= 200),
    chosen      boolean NOT NULL DEFAULT false,
    given_on    date NOT NULL DEFAULT (now() AT TIME ZONE 'Europe/London')::date
);
CREATE INDEX training_followups_session_idx ON training_followups (session_id);

-- +goose Down
DROP TABLE training_followups, training_evaluations, training_eval_questions;
ALTER TABLE training_bookings DROP COLUMN evaluated, DROP COLUMN followed_up, DROP COLUMN followup_asked;
ALTER TABLE agencies DROP COLUMN sector;
