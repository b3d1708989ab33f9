-- The directory: taxonomy, agencies, contacts, people, sessions, audit and site settings.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- fold_text is the one normalisation search text and queries share: lower case, apostrophes
-- dropped so "Women's" and "womens" meet. IMMUTABLE so generated columns and indexes can use it.
-- +goose StatementBegin
CREATE FUNCTION fold_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(translate(t, '''’‘`', ''));
-- +goose StatementEnd

-- Taxonomy terms share one shape; a retired term stays for history but is not offered.
CREATE TABLE areas (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    sort_order  integer NOT NULL DEFAULT 0,
    retired_at  timestamptz,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE categories (LIKE areas INCLUDING ALL);
CREATE TABLE audiences  (LIKE areas INCLUDING ALL);

CREATE TABLE agencies (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind            text NOT NULL CHECK (kind IN ('rsl','da_agency','council','police','health','helpline','legal','other')),
    summary         text NOT NULL DEFAULT '' CHECK (length(summary) <= 300),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    website         text NOT NULL DEFAULT '' CHECK (website = '' OR website ~ '^https?://'),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    phone           text NOT NULL DEFAULT '' CHECK (phone ~ '^[0-9]{0,15}$'),
    referral_route  text NOT NULL DEFAULT 'both' CHECK (referral_route IN ('self','professional','both')),
    eligibility     text NOT NULL DEFAULT '' CHECK (length(eligibility) <= 1000),
    opening_hours   text NOT NULL DEFAULT '' CHECK (length(opening_hours) <= 300),
    open_24h        boolean NOT NULL DEFAULT false,
    languages       text[] NOT NULL DEFAULT '{}',
    -- keywords are extra words people search by ("refuge", "injunction") that the text lacks.
    keywords        text NOT NULL DEFAULT '' CHECK (length(keywords) <= 500),
    -- tags repeats the names of the agency's categories and audiences so one index finds them;
    -- kept by the code that saves the join tables.
    tags            text NOT NULL DEFAULT '',
    visibility      text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public','staff')),
    archived_at     timestamptz,
    reviewed_at     timestamptz,
    review_due      date,
    demo            boolean NOT NULL DEFAULT false,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search_vector   tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, fold_text(name)), 'A') ||
        setweight(to_tsvector('english'::regconfig, fold_text(summary || ' ' || keywords || ' ' || tags)), 'B') ||
        setweight(to_tsvector('english'::regconfig, fold_text(description || ' ' || eligibility)), 'C')
    ) STORED
);
CREATE INDEX agencies_search_idx ON agencies USING gin (search_vector);
CREATE INDEX agencies_name_trgm_idx ON agencies USING gin (fold_text(name) gin_trgm_ops);
CREATE INDEX agencies_kind_idx ON agencies (kind) WHERE archived_at IS NULL;
CREATE INDEX agencies_name_idx ON agencies (name, id) WHERE archived_at IS NULL;

CREATE TABLE agency_areas (
    agency_id bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    area_id   bigint NOT NULL REFERENCES areas(id),
    PRIMARY KEY (agency_id, area_id)
);
CREATE INDEX agency_areas_area_idx ON agency_areas (area_id);
CREATE TABLE agency_categories (
    agency_id   bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    category_id bigint NOT NULL REFERENCES categories(id),
    PRIMARY KEY (agency_id, category_id)
);
CREATE INDEX agency_categories_category_idx ON agency_categories (category_id);
CREATE TABLE agency_audiences (
    agency_id   bigint NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    audience_id bigint NOT NULL REFERENCES audiences(id),
    PRIMARY KEY (agency_id, audience_id)
);
CREATE INDEX agency_audiences_audience_idx ON agency_audiences (audience_id);

-- A contact is a way to reach an agency. phones is a list of {"label","number"} with numbers
-- stored as digits (or a short code such as 999, 101, 116123).
CREATE TABLE contacts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id    bigint NOT NULL REFERENCES agencies(id),
    role_title   text NOT NULL CHECK (length(role_title) BETWEEN 1 AND 200),
    person_name  text NOT NULL DEFAULT '' CHECK (length(person_name) <= 120),
    phones       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phones) = 'array'),
    email        text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    hours        text NOT NULL DEFAULT '' CHECK (length(hours) <= 300),
    notes        text NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
    kind         text NOT NULL DEFAULT 'general' CHECK (kind IN ('helpline','champion','referral_point','general')),
    visibility   text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public','staff')),
    -- key contacts appear on /contacts and the printable sheet, in key_order.
    is_key       boolean NOT NULL DEFAULT false,
    key_order    integer NOT NULL DEFAULT 0,
    archived_at  timestamptz,
    reviewed_at  timestamptz,
    review_due   date,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_agency_idx ON contacts (agency_id) WHERE archived_at IS NULL;
CREATE INDEX contacts_key_idx ON contacts (key_order, id) WHERE is_key AND archived_at IS NULL;

-- Areas a champion (or any contact) covers.
CREATE TABLE contact_areas (
    contact_id bigint NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    area_id    bigint NOT NULL REFERENCES areas(id),
    PRIMARY KEY (contact_id, area_id)
);
CREATE INDEX contact_areas_area_idx ON contact_areas (area_id);

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email          text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    role           text NOT NULL CHECK (role IN ('admin','champion','housing_staff','rsl_officer')),
    agency_id      bigint REFERENCES agencies(id),
    -- the champion entry this user keeps, when they are a champion.
    contact_id     bigint REFERENCES contacts(id),
    password_hash  text NOT NULL DEFAULT '',
    active         boolean NOT NULL DEFAULT true,
    -- bumping session_epoch ends every session of the user (scs cannot reach other tokens).
    session_epoch  integer NOT NULL DEFAULT 1,
    last_login_at  timestamptz,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'rsl_officer' OR agency_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_idx ON users (email);

-- The table scs's pgxstore expects.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

CREATE TABLE audit_events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT now(),
    actor_id     bigint REFERENCES users(id),
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    bigint,
    agency_id    bigint REFERENCES agencies(id),
    before       jsonb,
    after        jsonb
);
CREATE INDEX audit_events_time_idx ON audit_events (occurred_at DESC);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at DESC);
CREATE INDEX audit_events_agency_idx ON audit_events (agency_id, occurred_at DESC);

-- One row of settings an admin can change; NULL means "use the value from the environment".
CREATE TABLE site_settings (
    id               integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    site_name        text,
    council_name     text,
    helpline_name    text,
    helpline_number  text CHECK (helpline_number ~ '^[0-9]{3,15}$'),
    helpline_hours   text,
    quick_exit_url   text CHECK (quick_exit_url ~ '^https?://'),
    banner           text,
    version          integer NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO site_settings (id) VALUES (1);

-- +goose Down
DROP TABLE site_settings, audit_events, sessions, users, contact_areas, contacts,
    agency_audiences, agency_categories, agency_areas, agencies, audiences, categories, areas;
DROP FUNCTION fold_text(text);
