package directory

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// RestoreOwnContact undoes an officer's own removal of a contact of their organisation: the
// undo offered straight after ArchiveContact. It brings back only a contact whose latest
// change was that person's removal (one an administrator archived stays archived, and so does
// one changed since), at the version the removal left; anything else is edit.ErrNotFound.
// Admins restore any contact with RestoreContact.
func (s *Store) RestoreOwnContact(ctx context.Context, v access.Viewer, agencyID, id int64, version int) (ContactEdit, error) {
	var out ContactEdit
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		own, admin := v.EditScope()
		before, err := scanContactEdit(tx.QueryRow(ctx, `SELECT `+contactEditColumns+` FROM contacts c JOIN agencies a ON a.id = c.agency_id
			WHERE c.id = $1 AND c.agency_id = $4 AND c.archived_at IS NOT NULL AND `+mayEditAgency+`
				AND (SELECT e.action = 'contact.archive' AND e.actor_id = $5
					FROM audit_events e WHERE e.entity_type = 'contact' AND e.entity_id = c.id
					ORDER BY e.id DESC LIMIT 1)
			FOR UPDATE OF c`, id, own, admin, agencyID, v.UserID))
		if isNoRows(err) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrapEdit("contact to restore", err)
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		var archivedAt time.Time
		if err := tx.QueryRow(ctx, `SELECT archived_at FROM contacts WHERE id = $1`, id).Scan(&archivedAt); err != nil {
			return wrapEdit("contact to restore", err)
		}
		// A restored main contact stays the main one only if no other has been marked since.
		if _, err := tx.Exec(ctx, `UPDATE contacts c SET archived_at = NULL, version = c.version + 1, updated_at = now(),
				main = c.main AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.agency_id = c.agency_id AND o.main
					AND o.archived_at IS NULL AND o.id <> c.id)
			WHERE c.id = $1`, id); err != nil {
			return wrapEdit("restore contact", err)
		}
		if out, err = loadContactEdit(ctx, tx, v, agencyID, id, false); err != nil {
			return err
		}
		was, now := before.auditRow(), out.auditRow()
		was["archived_at"], now["archived_at"] = archivedAt, nil
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "contact.restore", EntityType: "contact",
			EntityID: id, AgencyID: agencyID, Before: was, After: now})
	})
	return out, err
}
