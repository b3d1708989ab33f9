-- +goose Up
-- One number in one place: an agency's phone numbers are its contacts, and its main number is
-- the first number of the contact marked main. agencies.phone goes; every number it held is
-- kept, as a contact's.
ALTER TABLE contacts ADD COLUMN main boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX contacts_one_main_idx ON contacts (agency_id) WHERE main AND archived_at IS NULL;

-- Where a live contact already has the agency's number, that contact becomes the main one
-- (public first, then key contacts in their order), with the number moved to the front.
WITH pick AS (
    SELECT DISTINCT ON (a.id) c.id AS contact_id, a.phone
    FROM agencies a JOIN contacts c ON c.agency_id = a.id AND c.archived_at IS NULL
    WHERE a.phone <> '' AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.phones) p WHERE p->>'number' = a.phone)
    ORDER BY a.id, (c.visibility = 'public') DESC, c.is_key DESC, c.key_order, c.id
)
UPDATE contacts c SET main = true,
    phones = (SELECT jsonb_agg(p ORDER BY (p->>'number' = pick.phone) DESC, n)
              FROM jsonb_array_elements(c.phones) WITH ORDINALITY AS e(p, n))
FROM pick WHERE c.id = pick.contact_id;

-- Otherwise the number becomes a contact of its own, seen by whoever sees the agency.
INSERT INTO contacts (agency_id, role_title, phones, kind, visibility, main, reviewed_at, review_due)
SELECT a.id, 'Main number', jsonb_build_array(jsonb_build_object('label', '', 'number', a.phone)), 'general',
       a.visibility, true, a.reviewed_at, a.review_due
FROM agencies a
WHERE a.phone <> ''
  AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.agency_id = a.id AND c.main AND c.archived_at IS NULL);

ALTER TABLE agencies DROP COLUMN phone;

-- The number an agency's pages and search results show: its main contact's first number,
-- when that contact is public or the agency itself is for staff only (so whoever sees the
-- agency may see the number). '' when there is none.
CREATE FUNCTION agency_main_phone(agency bigint, agency_visibility text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT c.phones->0->>'number' FROM contacts c
        WHERE c.agency_id = agency AND c.main AND c.archived_at IS NULL
          AND (c.visibility = 'public' OR agency_visibility = 'staff')), '')
$$;

-- +goose Down
DROP FUNCTION agency_main_phone(bigint, text);
ALTER TABLE agencies ADD COLUMN phone text NOT NULL DEFAULT '' CHECK (phone ~ '^[0-9]{0,15}$');
UPDATE agencies a SET phone = c.phones->0->>'number'
FROM contacts c WHERE c.agency_id = a.id AND c.main AND c.archived_at IS NULL
  AND coalesce(c.phones->0->>'number', '') ~ '^[0-9]{1,15}$';
DROP INDEX contacts_one_main_idx;
ALTER TABLE contacts DROP COLUMN main;
