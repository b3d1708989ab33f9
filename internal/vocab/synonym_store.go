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

// Admins add, change and remove synonym sets. Two admins editing one set never overwrite each
// other: a save names the version its form was opened on, and a stale one is refused with the
// set as it is now (edit.ConflictError[SynonymSet]).

// synonymEntity is the audit trail's entity type of a synonym set.
const synonymEntity = "synonym_set"

// SynonymSet is a set as an admin sees it.
type SynonymSet struct {
	ID        int64
	Phrases   []string
	Version   int
	UpdatedAt time.Time
}

// Input is the set's form as it starts.
func (s SynonymSet) Input() SetInput { return InputOf(s.Phrases) }

// Readable is the set as a line of text.
func (s SynonymSet) Readable() string { return Readable(s.Phrases) }

// SynonymSets lists every set, oldest first (the seeded sets lead).
func (s *Store) SynonymSets(ctx context.Context, v access.Viewer) ([]SynonymSet, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	return loadSets(ctx, s.db, `true`, nil, false)
}

// SynonymSet returns the set with id.
func (s *Store) SynonymSet(ctx context.Context, v access.Viewer, id int64) (SynonymSet, error) {
	if !v.IsAdmin() || id <= 0 {
		return SynonymSet{}, edit.ErrNotFound
	}
	return loadSet(ctx, s.db, id, false)
}

func loadSets(ctx context.Context, q postgres.Querier, where string, arg any, lock bool) ([]SynonymSet, error) {
	sql := `SELECT id, phrases, version, updated_at FROM synonym_sets WHERE ` + where + ` ORDER BY id`
	if lock {
		sql += ` FOR UPDATE`
	}
	var args []any
	if arg != nil {
		args = append(args, arg)
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, wrap("list synonym sets", err)
	}
	sets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SynonymSet, error) {
		var s SynonymSet
		err := r.Scan(&s.ID, &s.Phrases, &s.Version, &s.UpdatedAt)
		return s, err
	})
	return sets, wrap("list synonym sets", err)
}

func loadSet(ctx context.Context, q postgres.Querier, id int64, lock bool) (SynonymSet, error) {
	sets, err := loadSets(ctx, q, `id = $1`, id, lock)
	if err != nil {
		return SynonymSet{}, err
	}
	if len(sets) == 0 {
		return SynonymSet{}, edit.ErrNotFound
	}
	return sets[0], nil
}

// AddSynonymSet adds a set. It returns validate.Errors for bad input.
func (s *Store) AddSynonymSet(ctx context.Context, v access.Viewer, in SetInput) (SynonymSet, error) {
	if !v.IsAdmin() {
		return SynonymSet{}, edit.ErrNotFound
	}
	phrases, errs := CleanPhrases(in)
	if len(errs) > 0 {
		return SynonymSet{}, errs
	}
	var out SynonymSet
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO synonym_sets (phrases) VALUES ($1) RETURNING id`, phrases).Scan(&id); err != nil {
			return wrap("add synonym set", err)
		}
		var err error
		if out, err = loadSet(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: synonymEntity + ".create", EntityType: synonymEntity,
			EntityID: id, After: out.auditRow()})
	})
	return out, err
}

// UpdateSynonymSet replaces the phrases of set id, provided the form was opened on version.
// It returns validate.Errors for bad input, *edit.ConflictError[SynonymSet] when someone
// saved first, edit.ErrNotFound when the set is gone. A save that changes nothing writes
// nothing (the version stays).
func (s *Store) UpdateSynonymSet(ctx context.Context, v access.Viewer, id int64, in SetInput, version int) (SynonymSet, error) {
	if !v.IsAdmin() || id <= 0 {
		return SynonymSet{}, edit.ErrNotFound
	}
	phrases, errs := CleanPhrases(in)
	var out SynonymSet
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadSet(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return setConflict(ctx, tx, before)
		}
		if slices.Equal(before.Phrases, phrases) {
			out = before
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE synonym_sets SET phrases = $3, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`, id, version, phrases); err != nil {
			return wrap("update synonym set", err)
		}
		if out, err = loadSet(ctx, tx, id, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: synonymEntity + ".update", EntityType: synonymEntity,
			EntityID: id, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// RemoveSynonymSet deletes set id, provided the page asking was drawn on version; it
// returns the set as it was.
func (s *Store) RemoveSynonymSet(ctx context.Context, v access.Viewer, id int64, version int) (SynonymSet, error) {
	if !v.IsAdmin() || id <= 0 {
		return SynonymSet{}, edit.ErrNotFound
	}
	var out SynonymSet
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadSet(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return setConflict(ctx, tx, before)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM synonym_sets WHERE id = $1`, id); err != nil {
			return wrap("remove synonym set", err)
		}
		out = before
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: synonymEntity + ".delete", EntityType: synonymEntity,
			EntityID: id, Before: before.auditRow()})
	})
	return out, err
}

// setConflict is the refusal of a stale form: the set as it is, and who saved it when.
func setConflict(ctx context.Context, tx pgx.Tx, now SynonymSet) error {
	c := &edit.ConflictError[SynonymSet]{Current: now}
	var err error
	if c.SavedBy, c.SavedAt, err = audit.LastChange(ctx, tx, synonymEntity, now.ID); err != nil {
		return err
	}
	return c
}

// auditRow is the set as the audit trail records it: "name" is what the trail shows.
func (s SynonymSet) auditRow() map[string]any {
	return map[string]any{"name": shortName(s.Phrases), "phrases": s.Phrases, "version": s.Version}
}

// shortName is a set as the audit trail names it: its first phrases.
func shortName(phrases []string) string {
	if len(phrases) > 3 {
		return Readable(phrases[:3]) + " …"
	}
	return Readable(phrases)
}
