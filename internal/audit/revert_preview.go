package audit

// RevertPreview says, before anything is done, what reverting an event would do: the values
// it would put back (each field from the value the event left to the value before it), or,
// for a creation, an archive or a restore, what happens to the entry as a whole.
type RevertPreview struct {
	Fields []FieldChange // Before is the value now (as the event left it), After the one put back
	// Archive and Restore are set when the revert archives or restores the entry.
	Archive, Restore bool
}

// Preview is what reverting e would do, from the event alone; the revert itself checks the
// row as it is then. It is empty when e cannot be reverted.
func (s *Store) Preview(e Entry) RevertPreview {
	var p RevertPreview
	if !s.CanRevert(e) {
		return p
	}
	ent := s.entities[e.EntityType]
	switch verbOf(e.Action, e.EntityType) {
	case "create", "restore":
		if _, ok := ent.archived(); ok {
			p.Archive = true
			return p
		}
	case "archive":
		if _, ok := ent.archived(); ok {
			p.Restore = true
			return p
		}
	}
	for _, c := range e.Fields {
		for _, f := range ent.Fields {
			if f.Name != c.Key || !c.Before.Present && f.Kind != Archived {
				continue
			}
			if f.Kind == Archived {
				if c.Before.Present {
					p.Archive = true
				} else {
					p.Restore = true
				}
				continue
			}
			p.Fields = append(p.Fields, FieldChange{Key: c.Key, Label: c.Label, Before: c.After, After: c.Before})
		}
	}
	return p
}
