package directory

import (
	"maps"

	"dadirectory/internal/audit"
)

// AuditLabels are the directory forms' labels for the fields its events record, so the trail
// names them as the forms do.
func AuditLabels() audit.Labels {
	agency := AdminAgencyForm(Taxonomy{}).Labels()
	contact := ContactForm().Labels()
	maps.Copy(contact, AdminContactForm(nil).Labels())
	return audit.Labels{"agency": agency, "contact": contact}
}

// AuditNames name a contact by its role and person ("Duty line (Ann Smith)"), and a term by
// its name: the organisation is shown beside it.
func AuditNames() []audit.Name {
	out := []audit.Name{{Type: "contact", SQL: `(SELECT c.role_title || coalesce(' (' || nullif(c.person_name, '') || ')', '')
		FROM contacts c WHERE c.id = e.entity_id)`}}
	for _, k := range TermKinds {
		out = append(out, audit.Name{Type: k.Singular, SQL: `(SELECT x.name FROM ` + k.table() + ` x WHERE x.id = e.entity_id)`})
	}
	return out
}
