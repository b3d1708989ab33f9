-- Search vocabulary (issue 12): the words people use that the entries do not. Synonym sets
-- ("DV", "domestic violence", "coercive control" mean the same search), the towns, villages and
-- postcode districts of each area (a place in the query narrows to the services covering it).
-- All of it is data an admin edits; the search index reloads it on the same notification as
-- the taxonomy ('t').

-- +goose Up
-- A synonym set: every phrase in it finds what the others find. Phrases are stored as the
-- admin typed them; the index folds and stems them like any query.
CREATE TABLE synonym_sets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phrases     text[] NOT NULL CHECK (cardinality(phrases) BETWEEN 2 AND 40),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The places of one area: town and village names, and postcode districts or sectors written
-- as "ML1" or "ML1 4". One row per area, so an admin edits an area's places as one form.
CREATE TABLE area_places (
    area_id     bigint PRIMARY KEY REFERENCES areas(id) ON DELETE CASCADE,
    places      text[] NOT NULL DEFAULT '{}' CHECK (cardinality(places) <= 200),
    postcodes   text[] NOT NULL DEFAULT '{}' CHECK (cardinality(postcodes) <= 200),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER synonym_sets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON synonym_sets
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('t');
CREATE TRIGGER area_places_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON area_places
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('t');

-- Staff search contacts by name, role and number, so a contact's change is a change to its
-- agency's search document.
CREATE TRIGGER contacts_search_ins AFTER INSERT ON contacts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER contacts_search_upd AFTER UPDATE ON contacts REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER contacts_search_del AFTER DELETE ON contacts REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');

-- The languages an organisation works in are searched like its summary ("polish", "BSL").
-- array_to_string is only STABLE in general; for text[] it cannot change, so this wrapper may
-- be IMMUTABLE as a generated column needs.
-- +goose StatementBegin
CREATE FUNCTION text_list(t text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN array_to_string(t, ' ');
-- +goose StatementEnd
ALTER TABLE agencies DROP COLUMN search_vector;
ALTER TABLE agencies ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, fold_text(name)), 'A') ||
    setweight(to_tsvector('english'::regconfig, fold_text(summary || ' ' || keywords || ' ' || tags || ' ' || text_list(languages))), 'B') ||
    setweight(to_tsvector('english'::regconfig, fold_text(description || ' ' || eligibility)), 'C')
) STORED;
CREATE INDEX agencies_search_idx ON agencies USING gin (search_vector);

-- The sets the field uses. The old built-in abbreviation table is part of them.
INSERT INTO synonym_sets (phrases) VALUES
    ('{domestic abuse,domestic violence,DA,DV,partner abuse,coercive control,controlling behaviour,abusive relationship,gender based violence,GBV,violence against women,VAW,checks my phone,partner checks my phone,tracks my phone,hits me,scared of my partner,afraid of my partner,violent partner}'),
    ('{sexual violence,rape,sexual assault,sexual abuse}'),
    ('{honour based abuse,HBA,forced marriage,FGM,female genital mutilation}'),
    ('{stalking,harassment}'),
    ('{refuge,safe house,emergency accommodation,somewhere to stay,somewhere safe,place to stay,nowhere to go,nowhere to stay,shelter}'),
    ('{LGBT,LGBTQ,LGBTQ+,LGBTQI,LGBTQIA,gay,lesbian,bisexual,trans,transgender}'),
    ('{men,male}'),
    ('{children,child,young people,kids,son,daughter,teenager}'),
    ('{housing,homeless,homelessness,tenancy,housing association,registered social landlord,RSL}'),
    ('{money,debt,financial abuse,benefits}'),
    ('{immigration,no recourse to public funds,NRPF}'),
    ('{MARAC,multi agency risk assessment conference,risk assessment conference}'),
    ('{MAPPA,multi agency public protection}'),
    ('{DASH,risk identification checklist}'),
    ('{CSA,child sexual abuse}'),
    ('{IDAA,IDVA,independent domestic abuse advocate,independent domestic violence advisor,advocacy}'),
    ('{NHS,health}'),
    ('{BME,BAME,minority ethnic}'),
    ('{BSL,British Sign Language,sign language,deaf}'),
    ('{interpreter,interpreters,translator}'),
    ('{solicitor,lawyer,legal advice,court order,injunction,interdict}'),
    ('{perpetrator,people who cause harm,abuser,my own behaviour,abusive behaviour}');

-- +goose Down
ALTER TABLE agencies DROP COLUMN search_vector;
ALTER TABLE agencies ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, fold_text(name)), 'A') ||
    setweight(to_tsvector('english'::regconfig, fold_text(summary || ' ' || keywords || ' ' || tags)), 'B') ||
    setweight(to_tsvector('english'::regconfig, fold_text(description || ' ' || eligibility)), 'C')
) STORED;
CREATE INDEX agencies_search_idx ON agencies USING gin (search_vector);
DROP FUNCTION text_list(text[]);
DROP TRIGGER contacts_search_del ON contacts;
DROP TRIGGER contacts_search_upd ON contacts;
DROP TRIGGER contacts_search_ins ON contacts;
DROP TRIGGER area_places_changed ON area_places;
DROP TRIGGER synonym_sets_changed ON synonym_sets;
DROP TABLE area_places;
DROP TABLE synonym_sets;
