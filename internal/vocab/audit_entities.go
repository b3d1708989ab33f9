package vocab

import "dadirectory/internal/audit"

// AuditEntities describes the vocabulary's rows to the audit trail. A change to a synonym
// set's phrases is reverted from the trail like any other edit (while the set is still as the
// change left it); adding or removing a set is not (add or remove it again). An area's places
// are audited as "area_places" but not reverted from the trail: their row is keyed by the
// area, not an id of its own, and editing the area's places again does the same job.
func AuditEntities() []audit.Entity {
	return []audit.Entity{{
		Type:   synonymEntity,
		Table:  "synonym_sets",
		Fields: []audit.Field{{Name: "phrases", Kind: audit.Strings}},
	}}
}
