package library

import "dadirectory/internal/audit"

// AuditNames name resources and topics in the trail by their titles and names now.
func AuditNames() []audit.Name {
	return []audit.Name{
		{Type: auditEntity, SQL: `(SELECT r.title FROM resources r WHERE r.id = e.entity_id)`},
		{Type: "topic", SQL: `(SELECT t.name FROM topics t WHERE t.id = e.entity_id)`},
	}
}
