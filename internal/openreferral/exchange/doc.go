// Package exchange exports the whole directory an admin curates as Open Referral HSDS 3.0
// data, and imports such data back: the tabular data package (one CSV per object and a
// datapackage.json, zipped) or the same objects nested as one JSON document. An import is
// first a dry run (Preview: what would be added, changed and left alone, field by field, and
// every validation error by file, row and column); Apply then makes the changes in one
// transaction through the directory's own editing functions, with their checks and an audit
// event for each change.
//
// What is exchanged, decided here (internal/openreferral explains the public mapping, whose
// ids, taxonomies and terms this shares):
//
//   - Every agency, staff-only and archived ones included, is an organization (id
//     agencies.uuid: name, description = the summary, email, website) with one service (id
//     agencies.service_uuid: the same name, description, url and email as the organisation,
//     status "active", or "inactive" for an archived agency, application_process = who can
//     refer in the site's words, eligibility_description, assured_date = last checked,
//     last_modified). Who may see it is the extension field x_visibility of the service
//     ("public" or "staff"), and of each contact: HSDS has no field for it, and a consumer
//     that does not know the extension still reads standard HSDS.
//   - Contacts that are not archived (id contacts.uuid: title = role, name = the person,
//     email, x_visibility) with their phones (number as the site shows it, description = the
//     phone's label; ids derived from the contact's and the phone's place in its list).
//   - Opening hours are one schedule: every day 00:00 to 23:59 when open 24 hours, with the
//     hours' text as its description. Languages in their order; areas, types of support and
//     audiences as attributes of the service pointing at taxonomy terms, which are exported
//     (taxonomies, taxonomy_terms) but not changed by an import; service_areas repeat the
//     areas for consumers and are not read back. assured_date and last_modified are not read
//     back either: the site keeps them.
//
// Import matches rows by id. It adds organisations and contacts it does not know (new
// organisations get kind and sector "other", a review a year ahead and the slug of their name) and
// changes those it does, but never removes anything: a row missing from the file is left
// alone, and so is a field the mapping does not carry (an agency's kind, keywords, review date;
// a contact's kind, hours, notes, areas, main and key flags). An empty x_visibility keeps what
// the row has (new rows are public), so a file from a system without the extension never
// makes a staff-only contact public. It refuses what it may not touch: a contact that belongs
// to another organisation or is archived, a service of another organisation, a change to a
// taxonomy term, an unknown term.
//
// Byte for byte: export sorts organisations by name (then id) and children in the site's
// order, writes zip entries with a fixed time, and formats JSON one way, so export, import and
// export again gives the same bytes. CSV cells that a spreadsheet would run as a formula
// (starting with =, +, -, @, a tab or a carriage return) and cells starting with an apostrophe
// are written with an apostrophe in front, the usual defence; the importer removes one leading
// apostrophe, and refuses a cell that starts like a formula without one (a phone number
// starting with + excepted). JSON carries values as they are: it is not opened by a
// spreadsheet.
//
// Limits, checked before anything is read into the database: the upload (MaxFile), zip entries
// (a plain name ending .csv or datapackage.json, at most MaxEntries, MaxUnpacked bytes in all
// however the archive describes itself), cells (MaxCell), rows (MaxRows). A file over a limit
// gets a clear error and changes nothing.
package exchange
