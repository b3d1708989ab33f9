package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The SQL of a revert (revert.go): reading a row as its events record it, and writing the
// values a revert puts back, field kind by field kind.

// readExpr is how field f of row t reads, as the events record it.
func readExpr(f Field) string {
	switch f.Kind {
	case SlugRef:
		return `(SELECT to_jsonb(r.slug) FROM ` + f.Table + ` r WHERE r.id = t.` + f.column() + `)`
	case Terms:
		live := ""
		if f.LiveOnly {
			live = ` AND x.retired_at IS NULL`
		}
		return `to_jsonb(ARRAY(SELECT x.slug FROM ` + f.Join + ` j JOIN ` + f.Table + ` x ON x.id = j.` + f.JoinTerm +
			` WHERE j.` + f.JoinOwner + ` = t.id` + live + ` ORDER BY x.slug))`
	}
	return `to_jsonb(t.` + f.column() + `)`
}

// readRow reads the entity's revertible columns and version as a JSON object, nil when the
// row is gone; lock takes the row lock the update needs.
func readRow(ctx context.Context, tx pgx.Tx, ent Entity, id int64, lock bool) (map[string]any, error) {
	parts := []string{`'version', to_jsonb(t.version)`}
	for _, f := range ent.Fields {
		parts = append(parts, `'`+f.Name+`', `+readExpr(f))
	}
	sql := `SELECT jsonb_build_object(` + strings.Join(parts, ", ") + `) FROM ` + ent.Table + ` t WHERE t.id = $1`
	if lock {
		sql += ` FOR UPDATE OF t`
	}
	var raw []byte
	err := tx.QueryRow(ctx, sql, id).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: revert: read %s %d: %w", ent.Type, id, err)
	}
	return decodeObject(raw), nil
}

// apply writes the steps' "to" values. A message back means the old values no longer fit
// (a term or organisation gone, a rule of the table): nothing must be committed then.
func apply(ctx context.Context, tx pgx.Tx, ent Entity, id int64, steps []step) (string, error) {
	sets := []string{`version = version + 1`, `updated_at = now()`}
	if ent.Set != "" {
		sets = append(sets, ent.Set)
	}
	args := []any{id}
	arg := func(v any, cast string) string {
		args = append(args, v)
		return fmt.Sprintf("$%d::%s", len(args), cast)
	}
	const gone = "Something that change refers to no longer exists; revert by editing the entry."
	var termSteps []step
	for _, s := range steps {
		f := s.field
		col := f.column()
		switch f.Kind {
		case Text:
			str, ok := s.to.(string)
			if !ok {
				return "This change cannot be reverted: its earlier value was not recorded.", nil
			}
			sets = append(sets, col+" = "+arg(str, "text"))
		case Bool:
			b, ok := s.to.(bool)
			if !ok {
				return "This change cannot be reverted: its earlier value was not recorded.", nil
			}
			sets = append(sets, col+" = "+arg(b, "boolean"))
		case Int:
			var n *int64
			if num, ok := s.to.(json.Number); ok {
				x, err := num.Int64()
				if err != nil {
					return "This change cannot be reverted: its earlier value was not recorded.", nil
				}
				n = &x
			}
			sets = append(sets, col+" = "+arg(n, "bigint"))
		case JSON:
			b, err := json.Marshal(s.to)
			if err != nil {
				return "", fmt.Errorf("audit: revert: encode %s: %w", f.Name, err)
			}
			sets = append(sets, col+" = "+arg(string(b), "jsonb"))
		case Strings:
			sets = append(sets, col+" = "+arg(stringList(s.to), "text[]"))
		case SlugRef:
			var ref *int64
			if slug, ok := s.to.(string); ok {
				var x int64
				err := tx.QueryRow(ctx, `SELECT id FROM `+f.Table+` WHERE slug = $1`, slug).Scan(&x)
				if errors.Is(err, pgx.ErrNoRows) {
					return gone, nil
				}
				if err != nil {
					return "", fmt.Errorf("audit: revert: find %s: %w", f.Name, err)
				}
				ref = &x
			}
			sets = append(sets, col+" = "+arg(ref, "bigint"))
		case Archived:
			sets = append(sets, col+" = CASE WHEN "+arg(norm(f, s.to), "boolean")+" THEN coalesce("+col+", now()) END")
		case Terms:
			termSteps = append(termSteps, s)
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE `+ent.Table+` SET `+strings.Join(sets, ", ")+` WHERE id = $1`, args...); err != nil {
		if unfit(err) {
			return "The earlier values no longer fit the rules for this entry; revert by editing it.", nil
		}
		return "", fmt.Errorf("audit: revert %s %d: %w", ent.Type, id, err)
	}
	for _, s := range termSteps {
		if msg, err := setTerms(ctx, tx, s.field, id, norm(s.field, s.to).([]string)); err != nil || msg != "" {
			if msg != "" {
				return gone, nil
			}
			return "", err
		}
	}
	if ent.After != "" {
		if _, err := tx.Exec(ctx, ent.After, id); err != nil {
			return "", fmt.Errorf("audit: revert %s %d: %w", ent.Type, id, err)
		}
	}
	if ent.Check != "" {
		var ok bool
		if err := tx.QueryRow(ctx, ent.Check).Scan(&ok); err != nil {
			return "", fmt.Errorf("audit: revert %s %d: check: %w", ent.Type, id, err)
		}
		if !ok {
			return ent.CheckMessage, nil
		}
	}
	return "", nil
}

// setTerms makes the join table hold exactly slugs for the row (only live terms are touched
// when the column is live). A slug that no longer names a term gives a message.
func setTerms(ctx context.Context, tx pgx.Tx, f Field, id int64, slugs []string) (string, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM `+f.Table+` WHERE slug = ANY($1)`, slugs)
	if err != nil {
		return "", fmt.Errorf("audit: revert: find %s: %w", f.Name, err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return "", fmt.Errorf("audit: revert: find %s: %w", f.Name, err)
	}
	if len(ids) != len(slugs) {
		return "gone", nil
	}
	live := ""
	if f.LiveOnly {
		live = ` AND ` + f.JoinTerm + ` IN (SELECT id FROM ` + f.Table + ` WHERE retired_at IS NULL)`
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+f.Join+` WHERE `+f.JoinOwner+` = $1 AND NOT (`+f.JoinTerm+` = ANY($2))`+live, id, ids); err != nil {
		return "", fmt.Errorf("audit: revert: set %s: %w", f.Name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO `+f.Join+` (`+f.JoinOwner+`, `+f.JoinTerm+`) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, ids); err != nil {
		return "", fmt.Errorf("audit: revert: set %s: %w", f.Name, err)
	}
	return "", nil
}

// liveTerms keeps the slugs of v that name terms not retired, as the current row is read for
// a live column.
func liveTerms(ctx context.Context, tx pgx.Tx, f Field, v any) (any, error) {
	rows, err := tx.Query(ctx, `SELECT slug FROM `+f.Table+` WHERE slug = ANY($1) AND retired_at IS NULL`, stringList(v))
	if err != nil {
		return nil, fmt.Errorf("audit: revert: live %s: %w", f.Name, err)
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("audit: revert: live %s: %w", f.Name, err)
	}
	out := make([]any, len(slugs))
	for i, s := range slugs {
		out[i] = s
	}
	return out, nil
}

// unfit reports whether err is the database refusing values by a rule of the table (a CHECK,
// a reference, a unique value), which for a revert means the old values no longer fit.
func unfit(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "23514" || pgErr.Code == "23503" || pgErr.Code == "23505" || pgErr.Code == "23502")
}
