package training

import (
	"context"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// ProviderRow is an organisation on the admin page that allows organisations to provide
// training.
type ProviderRow struct {
	Slug, Name, Kind string
	Allowed          bool
	Courses          int // courses it provides
}

// ProviderRows lists every listed organisation and whether it may provide training, those
// allowed first. Only admins see it.
func (s *Store) ProviderRows(ctx context.Context, v access.Viewer) ([]ProviderRow, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, `SELECT a.slug, a.name, a.kind, tp.agency_id IS NOT NULL,
			(SELECT count(*) FROM training_courses c WHERE c.provider_id = a.id)
		FROM agencies a LEFT JOIN training_providers tp ON tp.agency_id = a.id
		WHERE a.archived_at IS NULL
		ORDER BY tp.agency_id IS NULL, lower(a.name), a.id`)
	if err != nil {
		return nil, wrap("provider rows", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProviderRow, error) {
		var p ProviderRow
		return p, r.Scan(&p.Slug, &p.Name, &p.Kind, &p.Allowed, &p.Courses)
	})
	return out, wrap("provider rows", err)
}

// SetProvider allows (or stops) the organisation with slug providing training, so its RSL
// officers may manage its courses. It reports whether anything changed; edit.ErrNotFound for an
// unknown organisation or a viewer who is not an admin.
func (s *Store) SetProvider(ctx context.Context, v access.Viewer, slug string, allowed bool) (bool, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return false, edit.ErrNotFound
	}
	changed := false
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1 AND archived_at IS NULL FOR UPDATE`, slug).Scan(&id)
		if isNoRows(err) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrap("set provider", err)
		}
		action := "training_provider.grant"
		if allowed {
			tag, err := tx.Exec(ctx, `INSERT INTO training_providers (agency_id, granted_by) VALUES ($1, $2)
				ON CONFLICT (agency_id) DO NOTHING`, id, v.UserID)
			if err != nil {
				return wrap("set provider", err)
			}
			changed = tag.RowsAffected() == 1
		} else {
			action = "training_provider.revoke"
			tag, err := tx.Exec(ctx, `DELETE FROM training_providers WHERE agency_id = $1`, id)
			if err != nil {
				return wrap("set provider", err)
			}
			changed = tag.RowsAffected() == 1
		}
		if !changed {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "agency", EntityID: id,
			AgencyID: id, Before: map[string]any{"may_provide_training": !allowed}, After: map[string]any{"may_provide_training": allowed}})
	})
	return changed, err
}
