package directory

import (
	"slices"

	"dadirectory/internal/audit"
)

// AuditEntities describes the directory's rows to the audit trail: where organisations and
// contacts live, which name the trail shows for them, and how a change to one is reverted.
// The keys are those the editing code records (AgencyEdit, AdminAgency, ContactEdit and
// AdminContact auditRow, ChampionSnapshot); a key an event lacks is simply not part of its
// revert. Terms, courses and the rest of what is audited are not reverted from the trail.
func AuditEntities() []audit.Entity {
	return []audit.Entity{
		{
			Type:       "agency",
			Table:      "agencies",
			NameColumn: "name",
			Fields: slices.Concat(
				textFields("name", "kind", "sector", "summary", "description", "website", "email",
					"opening_hours", "referral_route", "eligibility", "keywords", "visibility"),
				[]audit.Field{
					{Name: "open_24h", Kind: audit.Bool},
					{Name: "languages", Kind: audit.Strings},
					auditTerms("areas", "agency_areas", "agency_id", "area_id", false),
					auditTerms("categories", "agency_categories", "agency_id", "category_id", false),
					auditTerms("audiences", "agency_audiences", "agency_id", "audience_id", false),
					{Name: "archived_at", Kind: audit.Archived},
				}),
			// tags repeats the names of the categories and audiences for search, rebuilt from
			// the join rows a revert may just have written.
			After: `UPDATE agencies a SET tags = ` + agencyTagsSQL + ` WHERE a.id = $1`,
		},
		{
			Type:       "contact",
			Table:      "contacts",
			NameColumn: "role_title",
			Fields: slices.Concat(
				textFields("role_title", "person_name"),
				[]audit.Field{{Name: "phones", Kind: audit.JSON}},
				textFields("email", "hours", "notes", "kind", "visibility"),
				[]audit.Field{
					{Name: "is_key", Kind: audit.Bool},
					{Name: "key_order", Kind: audit.Int},
					// A champion's own form never shows retired areas, so it records only the
					// others; a revert leaves retired ones as they are.
					auditTerms("areas", "contact_areas", "contact_id", "area_id", true),
					{Name: "archived_at", Kind: audit.Archived},
				}),
		},
	}
}

func textFields(names ...string) []audit.Field {
	out := make([]audit.Field, len(names))
	for i, n := range names {
		out[i] = audit.Field{Name: n, Kind: audit.Text}
	}
	return out
}

// auditTerms is a field of taxonomy terms kept in a join table; the terms are the areas,
// categories or audiences the field is named after.
func auditTerms(name, join, owner, term string, liveOnly bool) audit.Field {
	return audit.Field{Name: name, Kind: audit.Terms, Table: name, Join: join, JoinOwner: owner, JoinTerm: term, LiveOnly: liveOnly}
}
