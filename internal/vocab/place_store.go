package vocab

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// Admins keep the towns, villages and postcode districts of each current area. An area has
// one row of places (made on its first save); until then its version is 0, and a form opened
// then is stale once someone has saved the area's places.

// placesEntity is the audit trail's entity type of an area's places; its id is the area's.
const placesEntity = "area_places"

// AreaPlaces is one area with its places.
type AreaPlaces struct {
	AreaID    int64
	AreaSlug  string
	AreaName  string
	Places    Places
	Version   int        // 0 while the area has no places saved
	UpdatedAt *time.Time // nil while the area has no places saved
}

// Input is the area's form as it starts.
func (a AreaPlaces) Input() PlacesInput { return a.Places.Input() }

// AllAreaPlaces lists the current areas, in their order, with their places.
func (s *Store) AllAreaPlaces(ctx context.Context, v access.Viewer) ([]AreaPlaces, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	return loadAreaPlaces(ctx, s.db, `true`, nil, false)
}

// AreaPlacesOf returns the current area with slug and its places.
func (s *Store) AreaPlacesOf(ctx context.Context, v access.Viewer, slug string) (AreaPlaces, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return AreaPlaces{}, edit.ErrNotFound
	}
	return loadArea(ctx, s.db, slug, false)
}

func loadAreaPlaces(ctx context.Context, q postgres.Querier, where string, arg any, lock bool) ([]AreaPlaces, error) {
	sql := `SELECT a.id, a.slug, a.name, coalesce(p.places, '{}'), coalesce(p.postcodes, '{}'), coalesce(p.version, 0), p.updated_at
		FROM areas a LEFT JOIN area_places p ON p.area_id = a.id
		WHERE a.retired_at IS NULL AND ` + where + ` ORDER BY a.sort_order, lower(a.name)`
	if lock {
		// The area too: a retirement waits for the save, and the save sees it.
		sql += ` FOR UPDATE OF a`
	}
	var args []any
	if arg != nil {
		args = append(args, arg)
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap("list area places", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AreaPlaces, error) {
		var a AreaPlaces
		err := r.Scan(&a.AreaID, &a.AreaSlug, &a.AreaName, &a.Places.Places, &a.Places.Postcodes, &a.Version, &a.UpdatedAt)
		return a, err
	})
	return out, wrap("list area places", err)
}

func loadArea(ctx context.Context, q postgres.Querier, slug string, lock bool) (AreaPlaces, error) {
	areas, err := loadAreaPlaces(ctx, q, `a.slug = $1`, slug, lock)
	if err != nil {
		return AreaPlaces{}, err
	}
	if len(areas) == 0 {
		return AreaPlaces{}, edit.ErrNotFound
	}
	return areas[0], nil
}

// UpdateAreaPlaces replaces the places of the area with slug, provided the form was opened on
// version (0 when the area had none). It returns validate.Errors for bad input and
// *edit.ConflictError[AreaPlaces] when someone saved first. A save that changes nothing
// writes nothing.
func (s *Store) UpdateAreaPlaces(ctx context.Context, v access.Viewer, slug string, in PlacesInput, version int) (AreaPlaces, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return AreaPlaces{}, edit.ErrNotFound
	}
	clean, errs := CleanPlaces(in)
	var out AreaPlaces
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadArea(ctx, tx, slug, true)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return placesConflict(ctx, tx, before)
		}
		if slices.Equal(before.Places.Places, clean.Places) && slices.Equal(before.Places.Postcodes, clean.Postcodes) {
			out = before
			return nil
		}
		var tag interface{ RowsAffected() int64 }
		if version == 0 {
			// A first save: someone else's first save, committed meanwhile, wins the row.
			tag, err = tx.Exec(ctx, `INSERT INTO area_places (area_id, places, postcodes) VALUES ($1, $2, $3)
				ON CONFLICT (area_id) DO NOTHING`, before.AreaID, clean.Places, clean.Postcodes)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE area_places SET places = $3, postcodes = $4, version = version + 1, updated_at = now()
				WHERE area_id = $1 AND version = $2`, before.AreaID, version, clean.Places, clean.Postcodes)
		}
		if err != nil {
			return wrap("update area places", err)
		}
		if tag.RowsAffected() != 1 {
			now, err := loadArea(ctx, tx, slug, false)
			if err != nil {
				return err
			}
			return placesConflict(ctx, tx, now)
		}
		if out, err = loadArea(ctx, tx, slug, false); err != nil {
			return err
		}
		var beforeRow any
		if before.Version > 0 {
			beforeRow = before.auditRow()
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: placesEntity + ".update", EntityType: placesEntity,
			EntityID: before.AreaID, Before: beforeRow, After: out.auditRow()})
	})
	return out, err
}

func placesConflict(ctx context.Context, tx pgx.Tx, now AreaPlaces) error {
	c := &edit.ConflictError[AreaPlaces]{Current: now}
	var err error
	if c.SavedBy, c.SavedAt, err = audit.LastChange(ctx, tx, placesEntity, now.AreaID); err != nil {
		return err
	}
	return c
}

func (a AreaPlaces) auditRow() map[string]any {
	return map[string]any{"name": a.AreaName, "area": a.AreaSlug, "places": a.Places.Places, "postcodes": a.Places.Postcodes,
		"version": a.Version}
}
