package library

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Admins keep the list of topics: add one, rename it, retire it (it stays on the resources
// that have it, and a retired topic can be brought back). A topic is never deleted, so no
// resource loses one behind anyone's back. The slug never changes, so links keep working.

const maxTopicName = 80

// TopicConflictError is returned when a topic changed since its form was opened.
type TopicConflictError struct{ Current Topic }

func (e *TopicConflictError) Error() string { return ErrConflict.Error() }

// Is makes errors.Is(err, ErrConflict) true.
func (e *TopicConflictError) Is(target error) bool { return target == ErrConflict }

// AddTopic adds a topic called name at the end of the list. Only admins may; a name already
// in use is refused with a message under the field "name".
func (s *Store) AddTopic(ctx context.Context, v access.Viewer, name string) (Topic, error) {
	if !v.IsAdmin() {
		return Topic{}, ErrNotFound
	}
	var e validate.Errors
	name = e.Name("name", "Topic name", name, true, maxTopicName)
	if len(e) > 0 {
		return Topic{}, e
	}
	var t Topic
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE topics IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("library: lock topics: %w", err)
		}
		if err := topicNameFree(ctx, tx, name, 0, &e); err != nil {
			return err
		}
		if len(e) > 0 {
			return e
		}
		base := slugFor(name)
		slug := base
		for n := 2; ; n++ {
			var taken bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM topics WHERE slug = $1)`, slug).Scan(&taken); err != nil {
				return fmt.Errorf("library: add topic: %w", err)
			}
			if !taken {
				break
			}
			suffix := "-" + strconv.Itoa(n)
			slug = base[:min(len(base), maxSlug-len(suffix))] + suffix
		}
		err := tx.QueryRow(ctx, `INSERT INTO topics (slug, name, sort_order)
			VALUES ($1, $2, coalesce((SELECT max(sort_order) FROM topics), 0) + 10) RETURNING id, slug, name, version`,
			slug, name).Scan(&t.ID, &t.Slug, &t.Name, &t.Version)
		if err != nil {
			return fmt.Errorf("library: add topic: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "topic.create", EntityType: "topic",
			EntityID: t.ID, After: topicRow(t)})
	})
	return t, err
}

// UpdateTopic renames the topic slug and sets whether it is retired, provided it is still at
// version. Only admins may.
func (s *Store) UpdateTopic(ctx context.Context, v access.Viewer, slug, name string, retired bool, version int) (Topic, error) {
	if !v.IsAdmin() || !edit.ValidSlug(slug) {
		return Topic{}, ErrNotFound
	}
	var e validate.Errors
	name = e.Name("name", "Topic name", name, true, maxTopicName)
	var t Topic
	err := postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		var before Topic
		err := tx.QueryRow(ctx, `SELECT id, slug, name, retired_at IS NOT NULL, version FROM topics WHERE slug = $1 FOR UPDATE`, slug).
			Scan(&before.ID, &before.Slug, &before.Name, &before.Retired, &before.Version)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("library: topic %s: %w", slug, err)
		}
		if len(e) == 0 {
			if err := topicNameFree(ctx, tx, name, before.ID, &e); err != nil {
				return err
			}
		}
		if len(e) > 0 {
			return e
		}
		if before.Version != version {
			return &TopicConflictError{Current: before}
		}
		if before.Name == name && before.Retired == retired {
			t = before
			return nil
		}
		err = tx.QueryRow(ctx, `UPDATE topics SET name = $2,
				retired_at = CASE WHEN $3 THEN coalesce(retired_at, now()) END, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING id, slug, name, retired_at IS NOT NULL, version`, before.ID, name, retired).
			Scan(&t.ID, &t.Slug, &t.Name, &t.Retired, &t.Version)
		if err != nil {
			return fmt.Errorf("library: update topic %s: %w", slug, err)
		}
		// The search index holds topic names: refresh the resources that have this one.
		if before.Name != name {
			_, err = tx.Exec(ctx, `UPDATE resources r SET tags = coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.sort_order, t.name)
				FROM resource_topics j JOIN topics t ON t.id = j.topic_id WHERE j.resource_id = r.id), '')
				WHERE r.id IN (SELECT resource_id FROM resource_topics WHERE topic_id = $1)`, before.ID)
			if err != nil {
				return fmt.Errorf("library: retag resources: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "topic.update", EntityType: "topic",
			EntityID: t.ID, Before: topicRow(before), After: topicRow(t)})
	})
	return t, err
}

// topicNameFree adds a field error when another topic is already called name.
func topicNameFree(ctx context.Context, tx pgx.Tx, name string, id int64, e *validate.Errors) error {
	var taken bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM topics WHERE lower(name) = lower($1) AND id <> $2)`, name, id).Scan(&taken)
	if err != nil {
		return fmt.Errorf("library: topic name: %w", err)
	}
	if taken {
		e.Add("name", "There is already a topic called "+name)
	}
	return nil
}

func topicRow(t Topic) map[string]any {
	return map[string]any{"slug": t.Slug, "name": t.Name, "retired": t.Retired, "version": t.Version}
}
