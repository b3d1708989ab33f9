package library

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// Who may change which resource, the list of those a person keeps, and archiving.

// ForEdit returns the resource slug for viewer to change: any for an admin (archived too), a
// current one their organisation owns for an RSL officer, edit.ErrNotFound otherwise.
func (s *Store) ForEdit(ctx context.Context, v access.Viewer, slug string) (Resource, error) {
	return loadForEdit(ctx, s.db, v, slug, false)
}

// mayEdit is the condition that resource r may be changed by the viewer whose EditScope values
// are $3 and $4. In SQL, like visibility, so another organisation's resource looks missing;
// an officer of an archived organisation keeps nothing.
const mayEdit = `((r.archived_at IS NULL AND r.owner_id = $3::bigint
	AND EXISTS (SELECT 1 FROM agencies o WHERE o.id = $3::bigint AND o.archived_at IS NULL)) OR $4::bool)`

func loadForEdit(ctx context.Context, q postgres.Querier, v access.Viewer, slug string, lock bool) (Resource, error) {
	own, admin := v.EditScope()
	if !edit.ValidSlug(slug) || (own == 0 && !admin) {
		return Resource{}, edit.ErrNotFound
	}
	sql := `SELECT ` + resourceColumns + resourceFrom + ` WHERE r.slug = $5 AND ` + mayEdit
	if lock {
		sql += ` FOR UPDATE OF r`
	}
	// Editors see the owner whatever its visibility: they chose it.
	r, err := scanResource(q.QueryRow(ctx, sql, true, true, own, admin, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, edit.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("library: resource %s for edit: %w", slug, err)
	}
	return r, nil
}

// Managed lists the resources viewer keeps: every one, archived too, for an admin; the current
// ones of their organisation for an RSL officer. Current before archived, then by title.
func (s *Store) Managed(ctx context.Context, v access.Viewer) ([]Resource, error) {
	own, admin := v.EditScope()
	if own == 0 && !admin {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+resourceColumns+resourceFrom+` WHERE `+mayEdit+`
		ORDER BY r.archived_at IS NOT NULL, lower(r.title), r.id`, true, true, own, admin)
	if err != nil {
		return nil, fmt.Errorf("library: managed resources: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Resource, error) { return scanResource(row) })
	if err != nil {
		return nil, fmt.Errorf("library: managed resources: %w", err)
	}
	return out, nil
}

// Archive hides the resource slug from everyone but admins; Restore brings it back (admins
// only, as only they see archived resources). Both are version-checked and audited.
func (s *Store) Archive(ctx context.Context, v access.Viewer, slug string, version int) (Resource, error) {
	return s.setArchived(ctx, v, slug, version, true)
}

// Restore undoes Archive.
func (s *Store) Restore(ctx context.Context, v access.Viewer, slug string, version int) (Resource, error) {
	if !v.IsAdmin() {
		return Resource{}, edit.ErrNotFound
	}
	return s.setArchived(ctx, v, slug, version, false)
}

func (s *Store) setArchived(ctx context.Context, v access.Viewer, slug string, version int, archive bool) (Resource, error) {
	var out Resource
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadForEdit(ctx, tx, v, slug, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if before.Archived == archive {
			out = before
			return nil
		}
		action, set := "resource.restore", "NULL"
		if archive {
			action, set = "resource.archive", "now()"
		}
		own, admin := v.EditScope()
		tag, err := tx.Exec(ctx, `UPDATE resources r SET archived_at = `+set+`, version = r.version + 1, updated_at = now()
			WHERE r.id = $1 AND r.version = $2 AND `+mayEdit, before.ID, version, own, admin)
		if err != nil {
			return fmt.Errorf("library: %s %s: %w", action, slug, err)
		}
		if tag.RowsAffected() != 1 {
			return edit.Conflicted(before)
		}
		// Only admins see an archived resource: an officer's archive is read back as an admin.
		if out, err = loadForEdit(ctx, tx, access.Viewer{UserID: v.UserID, Role: access.Admin}, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: auditEntity,
			EntityID: before.ID, AgencyID: out.OwnerID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// auditRow is the resource as the audit trail keeps it: its fields and, for a file, what
// identifies the content (never the content itself).
func (r Resource) auditRow() map[string]any {
	row := map[string]any{
		"slug": r.Slug, "title": r.Title, "summary": r.Summary, "kind": r.Kind, "topics": r.TopicSlugs(),
		"visibility": InputOf(r).Visibility, "url": r.URL, "archived": r.Archived, "version": r.Version,
		"owner": nil, "file": nil,
	}
	if r.Owner != nil {
		row["owner"] = r.Owner.Slug
	}
	if r.File != nil {
		row["file"] = map[string]any{"filename": r.File.Filename, "content_type": r.File.ContentType,
			"size": r.File.Size, "sha256": fmt.Sprintf("%x", r.File.SHA256)}
	}
	return row
}
