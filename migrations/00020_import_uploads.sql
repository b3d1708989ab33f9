-- +goose Up
-- An HSDS import is shown as a dry run before it is applied: the uploaded file is kept here
-- between the two, so that what is applied is exactly the file that was previewed (the
-- confirmation names it by its token, and only the admin who uploaded it can use it). Uploads
-- older than a day are removed when another is made; an applied one at once.
CREATE TABLE import_uploads (
    token       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    file_name   text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    data        bytea NOT NULL CHECK (length(data) <= 20971520),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_uploads_created_idx ON import_uploads (created_at);

-- +goose Down
DROP TABLE import_uploads;
