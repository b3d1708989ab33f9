-- +goose Up
-- Open Referral (HSDS 3.0) identifies everything by UUID. The rows the open data publishes
-- get one of their own, made once and never changed, so an id survives a rename (slugs and
-- names may change; bigint ids are ours and say how many rows there are). An agency is both an
-- HSDS organization (uuid) and the service it offers (service_uuid): see internal/openreferral.
ALTER TABLE agencies ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    ADD COLUMN service_uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;
ALTER TABLE contacts ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;
ALTER TABLE areas ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;
ALTER TABLE categories ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;
ALTER TABLE audiences ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE;

-- A service's last_modified is the latest change to its agency or any of its contacts
-- (archived ones too): one index lookup per agency.
CREATE INDEX contacts_agency_updated_idx ON contacts (agency_id, updated_at);

-- The open data's Last-Modified is the latest change anywhere: read from these at once, where
-- scanning 100,000 agencies and 300,000 contacts took most of a second after every change.
CREATE INDEX agencies_updated_idx ON agencies (updated_at);
CREATE INDEX contacts_updated_idx ON contacts (updated_at);

-- +goose Down
DROP INDEX contacts_updated_idx;
DROP INDEX agencies_updated_idx;
DROP INDEX contacts_agency_updated_idx;
ALTER TABLE audiences DROP COLUMN uuid;
ALTER TABLE categories DROP COLUMN uuid;
ALTER TABLE areas DROP COLUMN uuid;
ALTER TABLE contacts DROP COLUMN uuid;
ALTER TABLE agencies DROP COLUMN service_uuid, DROP COLUMN uuid;
