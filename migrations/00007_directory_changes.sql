-- Every change that can alter what the directory shows is announced on the channel
-- "directory_changed", so each instance's in-memory search index (internal/directory) can catch
-- up within milliseconds of the commit: NOTIFY is delivered only after the transaction
-- commits, in commit order, to every listening session of every instance.
--
-- Payloads: "a:<ids>" agencies whose search document changed (comma-separated ids, or "*" when
-- a statement touched more than 500, e.g. a bulk load); "c" contacts changed (pages that show
-- contacts must not be served from a cache); "t" the taxonomy (areas, categories, audiences)
-- changed. Triggers are per statement with transition tables, so a bulk COPY of 100,000 rows
-- sends one notification, not 100,000.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION notify_directory_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    -- TG_ARGV: [0] the payload's kind; [1] (optional) the column holding the agency id,
    -- read from the transition table "changed".
    IF TG_NARGS < 2 THEN
        PERFORM pg_notify('directory_changed', TG_ARGV[0]);
        RETURN NULL;
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('directory_changed', TG_ARGV[0] || ':*');
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT CASE WHEN count(DISTINCT %1$I) > 500 THEN ''*''
                    ELSE string_agg(DISTINCT %1$I::text, '','') END FROM changed', TG_ARGV[1])
        INTO ids;
    IF ids IS NOT NULL THEN
        PERFORM pg_notify('directory_changed', TG_ARGV[0] || ':' || ids);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER agencies_changed_ins AFTER INSERT ON agencies REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'id');
CREATE TRIGGER agencies_changed_upd AFTER UPDATE ON agencies REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'id');
CREATE TRIGGER agencies_changed_del AFTER DELETE ON agencies REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'id');
CREATE TRIGGER agencies_changed_trunc AFTER TRUNCATE ON agencies
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'id');

CREATE TRIGGER agency_areas_changed_ins AFTER INSERT ON agency_areas REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER agency_areas_changed_upd AFTER UPDATE ON agency_areas REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER agency_areas_changed_del AFTER DELETE ON agency_areas REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');

CREATE TRIGGER agency_categories_changed_ins AFTER INSERT ON agency_categories REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER agency_categories_changed_upd AFTER UPDATE ON agency_categories REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER agency_categories_changed_del AFTER DELETE ON agency_categories REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');

CREATE TRIGGER agency_audiences_changed_ins AFTER INSERT ON agency_audiences REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER agency_audiences_changed_upd AFTER UPDATE ON agency_audiences REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');
CREATE TRIGGER agency_audiences_changed_del AFTER DELETE ON agency_audiences REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('a', 'agency_id');

CREATE TRIGGER contacts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('c');
CREATE TRIGGER contact_areas_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contact_areas
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('c');

CREATE TRIGGER areas_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('t');
CREATE TRIGGER categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('t');
CREATE TRIGGER audiences_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON audiences
    FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed('t');

-- +goose Down
DROP TRIGGER audiences_changed ON audiences;
DROP TRIGGER categories_changed ON categories;
DROP TRIGGER areas_changed ON areas;
DROP TRIGGER contact_areas_changed ON contact_areas;
DROP TRIGGER contacts_changed ON contacts;
DROP TRIGGER agency_audiences_changed_del ON agency_audiences;
DROP TRIGGER agency_audiences_changed_upd ON agency_audiences;
DROP TRIGGER agency_audiences_changed_ins ON agency_audiences;
DROP TRIGGER agency_categories_changed_del ON agency_categories;
DROP TRIGGER agency_categories_changed_upd ON agency_categories;
DROP TRIGGER agency_categories_changed_ins ON agency_categories;
DROP TRIGGER agency_areas_changed_del ON agency_areas;
DROP TRIGGER agency_areas_changed_upd ON agency_areas;
DROP TRIGGER agency_areas_changed_ins ON agency_areas;
DROP TRIGGER agencies_changed_trunc ON agencies;
DROP TRIGGER agencies_changed_del ON agencies;
DROP TRIGGER agencies_changed_upd ON agencies;
DROP TRIGGER agencies_changed_ins ON agencies;
DROP FUNCTION notify_directory_changed();
