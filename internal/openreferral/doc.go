// Package openreferral publishes the public directory in the Open Referral UK standard
// (HSDS 3.0 and its UK profile): the SQL that reads what the public may see, the mapping of
// our rows to HSDS objects, and their JSON. It has no HTTP: internal/server serves it under
// /openreferral/v3/.
//
// The mapping, decided once here and used by every endpoint (and by import and export):
//
//   - An agency is an HSDS organization (id agencies.uuid) that provides one HSDS service
//     (id agencies.service_uuid): the support it offers. Our model has one offer per agency,
//     so the two share the name; the organization's description is the agency's summary, the
//     service's its description (or the summary when there is none), url its website, email
//     its email, eligibility_description its eligibility, application_process who can refer,
//     assured_date the day it was last checked ("checked on", reviewed_at) and last_modified
//     the latest change to the agency or any of its contacts. status is always "active":
//     archived agencies are not published. The organization's uri is its page on this site.
//   - Contacts (id contacts.uuid) are the service's contacts: title is the role, name the
//     person (when given), with their phones. Phones exist only as contacts; the contact
//     marked main gives the service's own phones (the same phone objects, with contact_id).
//     A phone's id is derived from its contact's and its place in the list.
//   - Areas, categories (types of support) and audiences (who a service is for) are three
//     taxonomies (fixed ids below) whose terms (ids areas.uuid, ...) are linked to services
//     through attributes (link_type "area", "category" or "audience"). The areas a service
//     covers are also its service_areas. Retired terms are not published.
//   - Languages are the service's languages, with an ISO 639 code where we know it.
//   - Opening hours are a schedule: open 24 hours is every day 00:00 to 23:59; otherwise the
//     text is the schedule's description.
//   - Locations: none. The directory keeps no addresses (a refuge's must never be published),
//     so each service has one service_at_location without a location.
//   - Ids that have no row of their own (phones, schedules, service areas, languages,
//     attributes, service_at_locations) are UUID version 5 names of their parent's UUID, so
//     they are as stable as it is.
//
// Visibility: only what an anonymous visitor of the site may see is read (the directory's own
// rule, directory.PublicAgency and PublicContact), so a staff-only agency or contact and an
// archived one are absent, never redacted.
package openreferral
