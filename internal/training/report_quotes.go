package training

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
)

// Quotes: the words people wrote in their evaluations ("what will you do differently", "any
// other comments") and follow-ups ("how has your practice changed"), which an admin may choose
// to show in the report. A quote is attributed by name only when its author ticked "You may
// quote me by name"; otherwise by sector alone.

// Quote kinds: which answer the words come from.
const (
	QuoteDifferently = "differently"
	QuoteComments    = "comments"
	QuoteFollowup    = "followup"
)

// Quote is one answer's words.
type Quote struct {
	Kind        string
	ID          int64
	Text        string
	Name        string // "" unless the author agreed to be quoted by name
	Sector      string
	CourseTitle string
	Chosen      bool
}

// Attribution is who said it, as the report prints it.
func (q Quote) Attribution() string {
	if q.Name != "" {
		return q.Name + ", " + SectorLabel(q.Sector)
	}
	return "A participant (" + SectorLabel(q.Sector) + ")"
}

// Question is the question the quote answers.
func (q Quote) Question() string {
	switch q.Kind {
	case QuoteDifferently:
		return "What will you do differently?"
	case QuoteComments:
		return "Comments"
	}
	return "How has your practice changed?"
}

// quotes reads the quotes within the report's scope (args as Report's); chosenOnly keeps the
// chosen ones.
func (s *Store) quotes(ctx context.Context, args []any, chosenOnly bool) ([]Quote, error) {
	rows, err := s.db.Query(ctx, reportScope+`, q AS (
			SELECT 'differently' AS kind, e.id, e.differently AS text, e.quote_name, e.sector, e.course_id, e.chosen_differently AS chosen, e.session_id
			FROM training_evaluations e WHERE e.differently <> ''
			UNION ALL
			SELECT 'comments', e.id, e.comments, e.quote_name, e.sector, e.course_id, e.chosen_comments, e.session_id
			FROM training_evaluations e WHERE e.comments <> ''
			UNION ALL
			SELECT 'followup', x.id, x.how, x.quote_name, x.sector, x.course_id, x.chosen, x.session_id
			FROM training_followups x WHERE x.how <> '')
		SELECT q.kind, q.id, q.text, coalesce(q.quote_name, ''), q.sector, c.title, q.chosen
		FROM q JOIN sess ON sess.id = q.session_id JOIN training_courses c ON c.id = q.course_id
		WHERE ($7::text = '' OR q.sector = $7) AND (q.chosen OR NOT $9::bool)
		ORDER BY lower(c.title), q.kind, q.id`, append(args, chosenOnly)...)
	if err != nil {
		return nil, wrap("quotes", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Quote, error) {
		var q Quote
		return q, r.Scan(&q.Kind, &q.ID, &q.Text, &q.Name, &q.Sector, &q.CourseTitle, &q.Chosen)
	})
	return out, wrap("quotes", err)
}

// Quotes returns every quote within f, chosen or not, for the admin to choose from.
func (s *Store) Quotes(ctx context.Context, v access.Viewer, f ReportFilter) ([]Quote, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	if errs, err := s.checkFilter(ctx, f); err != nil || len(errs) > 0 {
		if err != nil {
			return nil, err
		}
		return nil, errs
	}
	return s.quotes(ctx, []any{f.Range.From, f.Range.To.AddDate(0, 0, 1), s.now(), f.Course, f.Level, f.Programme, f.Sector, ""}, false)
}

// ChooseQuote shows (chosen) or stops showing the quote of kind and id in the report. It
// reports whether anything changed; an unknown quote is edit.ErrNotFound.
func (s *Store) ChooseQuote(ctx context.Context, v access.Viewer, kind string, id int64, chosen bool) (bool, error) {
	if !v.IsAdmin() {
		return false, edit.ErrNotFound
	}
	var sql string
	switch kind {
	case QuoteDifferently:
		sql = `UPDATE training_evaluations SET chosen_differently = $2 WHERE id = $1 AND differently <> '' RETURNING course_id`
	case QuoteComments:
		sql = `UPDATE training_evaluations SET chosen_comments = $2 WHERE id = $1 AND comments <> '' RETURNING course_id`
	case QuoteFollowup:
		sql = `UPDATE training_followups SET chosen = $2 WHERE id = $1 AND how <> '' RETURNING course_id`
	default:
		return false, edit.ErrNotFound
	}
	changed := false
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var was bool
		var table, col string
		switch kind {
		case QuoteDifferently:
			table, col = "training_evaluations", "chosen_differently"
		case QuoteComments:
			table, col = "training_evaluations", "chosen_comments"
		default:
			table, col = "training_followups", "chosen"
		}
		err := tx.QueryRow(ctx, fmt.Sprintf(`SELECT %s FROM %s WHERE id = $1 FOR UPDATE`, col, table), id).Scan(&was)
		if isNoRows(err) {
			return edit.ErrNotFound
		}
		if err != nil {
			return wrap("choose quote", err)
		}
		var course int64
		if err := tx.QueryRow(ctx, sql, id, chosen).Scan(&course); isNoRows(err) {
			return edit.ErrNotFound
		} else if err != nil {
			return wrap("choose quote", err)
		}
		if was == chosen {
			return nil
		}
		changed = true
		action := "quote.choose"
		if !chosen {
			action = "quote.unchoose"
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: action, EntityType: "training_course",
			EntityID: course, Before: map[string]any{"quote": kind + fmt.Sprint(id), "chosen": was},
			After: map[string]any{"quote": kind + fmt.Sprint(id), "chosen": chosen}})
	})
	return changed, err
}
