-- Training prerequisites: a course may require another to have been attended first (Core
-- after Overview), and an admin may let one person book it without (an override, audited).

-- +goose Up
ALTER TABLE training_courses
    ADD COLUMN requires_course_id bigint REFERENCES training_courses(id),
    ADD CONSTRAINT training_courses_requires_other CHECK (requires_course_id IS NULL OR requires_course_id <> id);

-- Present means the person may book the course without having attended its prerequisite.
CREATE TABLE training_prerequisite_overrides (
    course_id   bigint NOT NULL REFERENCES training_courses(id),
    user_id     bigint NOT NULL REFERENCES users(id),
    granted_by  bigint REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (course_id, user_id)
);

-- +goose Down
DROP TABLE training_prerequisite_overrides;
ALTER TABLE training_courses DROP COLUMN requires_course_id;
