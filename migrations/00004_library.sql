-- The resource library: policies, guidance, checklists, leaflets and the like, each either a
-- link to a web page or a file stored here.

-- +goose Up

-- Topics are a small list an admin keeps, like areas; a retired topic stays on the resources
-- that have it but is no longer offered.
CREATE TABLE topics (LIKE areas INCLUDING ALL);

-- Uploaded files. The bytes live in resource_file_chunks so a download is streamed a chunk at
-- a time and never holds a whole file (or a database connection) for long. A file is never
-- changed: replacing a resource's file adds a new one and deletes the old.
CREATE TABLE resource_files (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200 AND filename !~ '[/\\"[:cntrl:]]'),
    -- the type detected from the content on upload, one of those the library accepts.
    content_type  text NOT NULL CHECK (content_type IN (
        'application/pdf',
        'application/msword',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.ms-excel',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.oasis.opendocument.text',
        'application/vnd.oasis.opendocument.spreadsheet',
        'image/png',
        'image/jpeg')),
    size          bigint NOT NULL CHECK (size BETWEEN 1 AND 20971520),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    chunks        integer NOT NULL CHECK (chunks >= 1),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE resource_file_chunks (
    file_id  bigint NOT NULL REFERENCES resource_files(id) ON DELETE CASCADE,
    n        integer NOT NULL CHECK (n >= 0),
    data     bytea NOT NULL,
    PRIMARY KEY (file_id, n)
);
-- Documents and images are compressed already: don't spend CPU compressing them again.
ALTER TABLE resource_file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE resources (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    summary       text NOT NULL DEFAULT '' CHECK (length(summary) <= 1000),
    kind          text NOT NULL CHECK (kind IN ('policy','guidance','toolkit','form_checklist','leaflet','video','website')),
    -- the organisation that keeps the resource; NULL for one the admins keep themselves.
    owner_id      bigint REFERENCES agencies(id),
    visibility    text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public','staff')),
    -- either a link or a file, never both and never neither.
    url           text CHECK (url ~ '^https?://[^/]' AND length(url) <= 2000),
    file_id       bigint UNIQUE REFERENCES resource_files(id),
    -- tags repeats the names of the resource's topics so one index finds them; kept by the
    -- code that saves resource_topics.
    tags          text NOT NULL DEFAULT '',
    archived_at   timestamptz,
    reviewed_at   timestamptz,
    review_due    date,
    demo          boolean NOT NULL DEFAULT false,
    created_by    bigint REFERENCES users(id),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, fold_text(title)), 'A') ||
        setweight(to_tsvector('english'::regconfig, fold_text(summary || ' ' || tags)), 'B')
    ) STORED,
    CHECK ((url IS NULL) <> (file_id IS NULL))
);
CREATE INDEX resources_search_idx ON resources USING gin (search_vector);
CREATE INDEX resources_title_trgm_idx ON resources USING gin (fold_text(title) gin_trgm_ops);
CREATE INDEX resources_owner_idx ON resources (owner_id) WHERE archived_at IS NULL;
CREATE INDEX resources_title_idx ON resources (title, id) WHERE archived_at IS NULL;

CREATE TABLE resource_topics (
    resource_id bigint NOT NULL REFERENCES resources(id) ON DELETE CASCADE,
    topic_id    bigint NOT NULL REFERENCES topics(id),
    PRIMARY KEY (resource_id, topic_id)
);
CREATE INDEX resource_topics_topic_idx ON resource_topics (topic_id);

-- +goose Down
DROP TABLE resource_topics, resources, resource_file_chunks, resource_files, topics;
