package directory

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Merging one taxonomy term into another, and finding every row that refers to a term.

// termRef is a column of another table that refers to a term: found in the catalogue, so a
// join table added by any feature (resources' topics, courses' audiences) is counted and
// moved by a merge without this file knowing about it. Others are the other columns of its
// primary key when the column is part of one (a join table): a row duplicates another when
// they agree on those.
type termRef struct {
	table  string // as regclass prints it: already quoted where needed
	column string
	others []string
}

func termRefs(ctx context.Context, q postgres.Querier, k TermKind) ([]termRef, error) {
	rows, err := q.Query(ctx, `SELECT c.conrelid::regclass::text, a.attname::text,
			coalesce((SELECT array_agg(pa.attname::text ORDER BY pa.attnum) FROM pg_constraint p
				JOIN pg_attribute pa ON pa.attrelid = p.conrelid AND pa.attnum = ANY(p.conkey)
				WHERE p.conrelid = c.conrelid AND p.contype = 'p' AND a.attnum = ANY(p.conkey) AND pa.attnum <> a.attnum), '{}')
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.confrelid = $1::text::regclass AND cardinality(c.conkey) = 1
		ORDER BY 1, 2`, k.Slug)
	if err != nil {
		return nil, wrapEdit("references to "+k.Slug, err)
	}
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (termRef, error) {
		var ref termRef
		err := r.Scan(&ref.table, &ref.column, &ref.others)
		return ref, err
	})
	return refs, wrapEdit("references to "+k.Slug, err)
}

// termUses counts, for every term of kind k, the rows referring to it.
func termUses(ctx context.Context, q postgres.Querier, k TermKind, refs []termRef) (map[int64][]TermUse, error) {
	out := map[int64][]TermUse{}
	for _, ref := range refs {
		col := pgx.Identifier{ref.column}.Sanitize()
		rows, err := q.Query(ctx, `SELECT `+col+`, count(*) FROM `+ref.table+` WHERE `+col+` IS NOT NULL GROUP BY 1`)
		if err != nil {
			return nil, wrapEdit("uses of "+k.Slug, err)
		}
		var id int64
		var n int
		_, err = pgx.ForEachRow(rows, []any{&id, &n}, func() error {
			out[id] = append(out[id], TermUse{Table: strings.Trim(ref.table, `"`), Count: n})
			return nil
		})
		if err != nil {
			return nil, wrapEdit("uses of "+k.Slug, err)
		}
	}
	return out, nil
}

// MergeResult says what a merge did.
type MergeResult struct {
	From, Into AdminTerm // as they are after the merge
	Moved      int       // rows that now refer to Into instead of From
	Duplicates int       // rows of From dropped because the same row already had Into
}

// MergeTerm moves every row that refers to term from (of every table that refers to kind k)
// to term into, then retires from, in one transaction: no row is left pointing at a term
// nobody can choose, and none is lost. A row that already has into as well is dropped rather
// than repeated (what INSERT ... ON CONFLICT DO NOTHING would do). into must be a current
// term of the same kind and not from itself; version is from's. Agencies and contacts whose
// terms moved get a new version, so a form opened on them before the merge cannot silently
// put the old term back.
func (s *Store) MergeTerm(ctx context.Context, v access.Viewer, k TermKind, from, into string, version int) (MergeResult, error) {
	var res MergeResult
	if !v.IsAdmin() || !edit.ValidSlug(from) {
		return res, edit.ErrNotFound
	}
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		// One merge at a time per taxonomy: two locking the same pair of terms in opposite
		// orders (A into B, B into A) would otherwise deadlock. Merges are rare.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('dadirectory:merge:' || $1))`, k.Slug); err != nil {
			return wrapEdit("merge "+k.Singular, err)
		}
		before, err := loadTerm(ctx, tx, k, from, true)
		if err != nil {
			return err
		}
		target, errs, err := mergeTarget(ctx, tx, k, before, into, true)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		if err := mergePlaces(ctx, tx, k, before.ID, target.ID); err != nil {
			return err
		}
		refs, err := termRefs(ctx, tx, k)
		if err != nil {
			return err
		}
		moved := map[string]any{}
		for _, ref := range refs {
			n, dups, owners, err := moveRefs(ctx, tx, ref, before.ID, target.ID)
			if err != nil {
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) && pgErr.Code == "23505" {
					errs.Add("into", fmt.Sprintf("These cannot be merged: %s would then hold the same entry twice. Change those entries first.",
						strings.ReplaceAll(strings.Trim(ref.table, `"`), "_", " ")))
					return errs
				}
				return err
			}
			res.Moved += n
			res.Duplicates += dups
			if n+dups > 0 {
				moved[strings.Trim(ref.table, `"`)] = owners
			}
			if err := touchOwners(ctx, tx, ref, owners); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE `+k.table()+` SET retired_at = coalesce(retired_at, now()),
			version = version + 1, updated_at = now() WHERE id = $1`, before.ID); err != nil {
			return wrapEdit("merge "+k.Singular, err)
		}
		if res.From, err = loadTerm(ctx, tx, k, from, false); err != nil {
			return err
		}
		if res.Into, err = loadTerm(ctx, tx, k, into, false); err != nil {
			return err
		}
		after := res.From.auditRow()
		after["merged_into"], after["moved"] = into, moved
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: k.Singular + ".merge", EntityType: k.Singular,
			EntityID: before.ID, Before: before.auditRow(), After: after})
	})
	return res, err
}

// MergePreview checks that term from of kind k could be merged into term into and returns
// both as they are now, for the page that asks to confirm. A bad choice of into gives
// validate.Errors on the field "into".
func (s *Store) MergePreview(ctx context.Context, v access.Viewer, k TermKind, from, into string) (MergeResult, error) {
	if !v.IsAdmin() || !edit.ValidSlug(from) {
		return MergeResult{}, edit.ErrNotFound
	}
	f, err := loadTerm(ctx, s.db, k, from, false)
	if err != nil {
		return MergeResult{}, err
	}
	t, errs, err := mergeTarget(ctx, s.db, k, f, into, false)
	if err != nil {
		return MergeResult{}, err
	}
	if len(errs) > 0 {
		return MergeResult{From: f}, errs
	}
	return MergeResult{From: f, Into: t}, nil
}

// mergeTarget reads the term into that from would be merged into, or says why it cannot be:
// it must be another current term of the same taxonomy.
func mergeTarget(ctx context.Context, q postgres.Querier, k TermKind, from AdminTerm, into string, lock bool) (AdminTerm, validate.Errors, error) {
	var errs validate.Errors
	switch {
	case into == "":
		errs.Add("into", "Choose the "+k.One+" to merge it into")
	case into == from.Slug:
		errs.Add("into", "Choose another "+k.One+": a "+k.One+" cannot be merged into itself")
	case !edit.ValidSlug(into):
		errs.Add("into", "Choose the "+k.One+" to merge it into from the list")
	default:
		target, err := loadTerm(ctx, q, k, into, lock)
		switch {
		case errors.Is(err, edit.ErrNotFound):
			errs.Add("into", "Choose the "+k.One+" to merge it into from the list")
		case err != nil:
			return AdminTerm{}, nil, err
		case target.Retired():
			errs.Add("into", "Choose a "+k.One+" that is not retired")
		default:
			return target, nil, nil
		}
	}
	return AdminTerm{}, errs, nil
}

// moveRefs points the rows of ref that refer to term from at term into, first dropping those
// that would repeat a row already referring to into. It returns how many moved, how many were
// dropped, and the rows' owners (the other key column of a two-column join table, as text;
// nil otherwise), for the audit trail and for touchOwners.
func moveRefs(ctx context.Context, tx pgx.Tx, ref termRef, from, into int64) (moved, dropped int, owners []string, err error) {
	col := pgx.Identifier{ref.column}.Sanitize()
	if len(ref.others) == 1 {
		other := pgx.Identifier{ref.others[0]}.Sanitize()
		if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(`+other+`::text ORDER BY `+other+`), '{}') FROM `+ref.table+
			` WHERE `+col+` = $1`, from).Scan(&owners); err != nil {
			return 0, 0, nil, wrapEdit("merge "+ref.table, err)
		}
	}
	if len(ref.others) > 0 {
		same := make([]string, len(ref.others))
		for i, o := range ref.others {
			o = pgx.Identifier{o}.Sanitize()
			same[i] = "y." + o + " = x." + o
		}
		tag, err := tx.Exec(ctx, `DELETE FROM `+ref.table+` x WHERE x.`+col+` = $1 AND EXISTS (SELECT 1 FROM `+ref.table+
			` y WHERE y.`+col+` = $2 AND `+strings.Join(same, " AND ")+`)`, from, into)
		if err != nil {
			return 0, 0, nil, wrapEdit("merge "+ref.table, err)
		}
		dropped = int(tag.RowsAffected())
	}
	tag, err := tx.Exec(ctx, `UPDATE `+ref.table+` SET `+col+` = $2 WHERE `+col+` = $1`, from, into)
	if err != nil {
		return 0, 0, nil, wrapEdit("merge "+ref.table, err)
	}
	return int(tag.RowsAffected()), dropped, owners, nil
}

// touchOwners gives the agencies or contacts whose terms a merge changed a new version, and
// agencies new search tags (the names of their categories and audiences).
func touchOwners(ctx context.Context, tx pgx.Tx, ref termRef, owners []string) error {
	if len(owners) == 0 || len(ref.others) != 1 {
		return nil
	}
	ids := make([]int64, 0, len(owners))
	for _, o := range owners {
		id, err := strconv.ParseInt(o, 10, 64)
		if err != nil {
			return nil // not agencies or contacts, whose ids are numbers
		}
		ids = append(ids, id)
	}
	switch table := strings.Trim(ref.table, `"`); {
	case ref.others[0] == "agency_id" && strings.HasPrefix(table, "agency_"):
		_, err := tx.Exec(ctx, `UPDATE agencies a SET tags = `+agencyTagsSQL+`, version = a.version + 1, updated_at = now()
			WHERE a.id = ANY($1)`, ids)
		return wrapEdit("merge: touch agencies", err)
	case ref.others[0] == "contact_id" && strings.HasPrefix(table, "contact_"):
		_, err := tx.Exec(ctx, `UPDATE contacts SET version = version + 1, updated_at = now() WHERE id = ANY($1)`, ids)
		return wrapEdit("merge: touch contacts", err)
	}
	return nil
}

// mergePlaces gives the area merged into the other one's towns, villages and postcodes, so a
// search naming them still finds the services (one row per area, so moveRefs cannot move it).
func mergePlaces(ctx context.Context, tx pgx.Tx, k TermKind, from, into int64) error {
	if k.Slug != "areas" {
		return nil
	}
	_, err := tx.Exec(ctx, `WITH gone AS (DELETE FROM area_places WHERE area_id = $1 RETURNING places, postcodes)
INSERT INTO area_places (area_id, places, postcodes) SELECT $2, places, postcodes FROM gone
ON CONFLICT (area_id) DO UPDATE SET
	places = ARRAY(SELECT DISTINCT unnest(area_places.places || EXCLUDED.places) ORDER BY 1),
	postcodes = ARRAY(SELECT DISTINCT unnest(area_places.postcodes || EXCLUDED.postcodes) ORDER BY 1),
	version = area_places.version + 1, updated_at = now()`, from, into)
	return wrapEdit("merge places", err)
}
