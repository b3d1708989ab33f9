package library

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

// What saving a resource needs besides the resource itself: its topics and owner looked up,
// a free slug, and small conversions for SQL.

// topicRef is a topic looked up for saving.
type topicRef struct {
	id   int64
	name string
}

// lookupRefs finds the topics and the owner in c, adding field errors for any that do not
// exist. A retired topic the resource already has is still accepted, so saving never drops
// it unseen. An RSL officer's resource belongs to their organisation whatever the form says.
func lookupRefs(ctx context.Context, tx pgx.Tx, v access.Viewer, c Input, resourceID int64, e *validate.Errors) ([]topicRef, *int64, error) {
	var topics []topicRef
	if len(c.Topics) > 0 {
		rows, err := tx.Query(ctx, `SELECT t.id, t.name FROM topics t WHERE t.slug = ANY($1)
			AND (t.retired_at IS NULL OR t.id IN (SELECT topic_id FROM resource_topics WHERE resource_id = $2))
			ORDER BY t.sort_order, t.name`, c.Topics, resourceID)
		if err != nil {
			return nil, nil, fmt.Errorf("library: look up topics: %w", err)
		}
		topics, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (topicRef, error) {
			var t topicRef
			err := row.Scan(&t.id, &t.name)
			return t, err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("library: look up topics: %w", err)
		}
		if len(topics) != len(c.Topics) && !e.Has(fieldTopics) {
			e.Add(fieldTopics, "Choose topics from the list: one of those sent is not on it")
		}
	}
	own, admin := v.EditScope()
	if !admin {
		// An officer adds to the library for a live organisation only: one archived is no
		// longer in the directory, and nor is what it publishes.
		var live bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agencies WHERE id = $1 AND archived_at IS NULL)`, own).Scan(&live); err != nil {
			return nil, nil, fmt.Errorf("library: look up owner: %w", err)
		}
		if !live {
			return nil, nil, edit.ErrNotFound
		}
		return topics, &own, nil
	}
	if c.Owner == "" || e.Has(fieldOwner) {
		return topics, nil, nil
	}
	var id int64
	// The owner a resource has stays acceptable after its agency is archived.
	err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1
		AND (archived_at IS NULL OR id = (SELECT owner_id FROM resources WHERE id = $2))`, c.Owner, resourceID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		e.Add(fieldOwner, "Choose an organisation from the list")
		return topics, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("library: look up owner: %w", err)
	}
	return topics, &id, nil
}

// setTopics makes resource_topics hold exactly topics for the resource.
func setTopics(ctx context.Context, tx pgx.Tx, id int64, topics []topicRef) error {
	ids := make([]int64, len(topics))
	for i, t := range topics {
		ids[i] = t.id
	}
	if _, err := tx.Exec(ctx, `DELETE FROM resource_topics WHERE resource_id = $1 AND NOT (topic_id = ANY($2))`, id, ids); err != nil {
		return fmt.Errorf("library: set topics: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO resource_topics (resource_id, topic_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, ids)
	if err != nil {
		return fmt.Errorf("library: set topics: %w", err)
	}
	return nil
}

// topicTags is the topics' names for the search index.
func topicTags(topics []topicRef) string {
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = t.name
	}
	return strings.Join(names, " ")
}

func sameInput(a, b Input) bool {
	return a.Title == b.Title && a.Summary == b.Summary && a.Kind == b.Kind && a.Visibility == b.Visibility &&
		slices.Equal(a.Topics, sortedCopy(b.Topics))
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func ptrEq(p *int64, id int64) bool {
	if p == nil {
		return id == 0
	}
	return *p == id
}

func fileIDOf(r Resource) *int64 {
	if r.File == nil {
		return nil
	}
	id := r.File.ID
	return &id
}

func nullText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
