-- +goose Up
-- A spreadsheet of contacts an admin has uploaded, kept between the upload, the mapping of its
-- columns and the dry run, so that what is confirmed is exactly what was previewed. Each is
-- the uploading admin's alone, named by a random token (only its SHA-256 is stored), and is
-- removed when applied or a day after it was uploaded.
CREATE TABLE contact_imports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea NOT NULL UNIQUE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    file_name   text NOT NULL,
    format      text NOT NULL CHECK (format IN ('CSV', 'XLSX')),
    header      text[] NOT NULL,
    rows        jsonb NOT NULL,
    -- target field -> column (from 0); NULL until the admin has mapped the columns.
    mapping     jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_imports_created_idx ON contact_imports (created_at);

-- +goose Down
DROP TABLE contact_imports;
