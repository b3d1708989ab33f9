package library

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// Store reads and writes the library.
type Store struct {
	db *pgxpool.Pool
}

// NewStore returns a Store over the pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db} }

// todaySQL is today's date in Europe/London, against which review_due is overdue.
const todaySQL = `(now() AT TIME ZONE 'Europe/London')::date`

// reviewDueSQL is "12 months from today in Europe/London", the review period.
const reviewDueSQL = `((now() AT TIME ZONE 'Europe/London')::date + interval '12 months')::date`

// The queries that return resources take $1 = the viewer is staff and $2 = the viewer is an
// admin; their own arguments start at $3. visibleResource is the rule for who sees what: staff
// see staff-only resources, only admins see archived ones. The owner is joined only when the
// viewer may see that organisation, so a staff-only agency's name never reaches the public.
const (
	visibleResource = `(r.visibility = 'public' OR $1::bool) AND (r.archived_at IS NULL OR $2::bool)`

	resourceColumns = `r.id, r.slug, r.title, r.summary, r.kind, r.visibility = 'staff', r.url,
	r.archived_at IS NOT NULL, r.reviewed_at, r.review_due, coalesce(r.review_due < ` + todaySQL + `, false),
	r.version, r.updated_at, coalesce(r.owner_id, 0), o.slug, o.name,
	f.id, f.filename, f.content_type, f.size, f.sha256, f.chunks,
	ARRAY(SELECT t.slug FROM resource_topics j JOIN topics t ON t.id = j.topic_id WHERE j.resource_id = r.id ORDER BY t.sort_order, t.name),
	ARRAY(SELECT t.name FROM resource_topics j JOIN topics t ON t.id = j.topic_id WHERE j.resource_id = r.id ORDER BY t.sort_order, t.name)`

	resourceFrom = ` FROM resources r
	LEFT JOIN agencies o ON o.id = r.owner_id AND (o.archived_at IS NULL OR $2::bool) AND (o.visibility = 'public' OR $1::bool)
	LEFT JOIN resource_files f ON f.id = r.file_id`
)

// viewerArgs are $1 and $2 of the resource queries.
func viewerArgs(v access.Viewer) []any { return []any{v.IsStaff(), v.IsAdmin()} }

func scanResource(row pgx.Row) (Resource, error) {
	var r Resource
	var url, ownerSlug, ownerName, fileName, fileType *string
	var fileID, fileSize *int64
	var fileChunks *int
	var fileSHA []byte
	var topicSlugs, topicNames []string
	err := row.Scan(&r.ID, &r.Slug, &r.Title, &r.Summary, &r.Kind, &r.StaffOnly, &url, &r.Archived, &r.ReviewedAt,
		&r.ReviewDue, &r.Overdue, &r.Version, &r.UpdatedAt, &r.OwnerID, &ownerSlug, &ownerName,
		&fileID, &fileName, &fileType, &fileSize, &fileSHA, &fileChunks, &topicSlugs, &topicNames)
	if err != nil {
		return r, err
	}
	if url != nil {
		r.URL = *url
	}
	if ownerSlug != nil {
		r.Owner = &Owner{Slug: *ownerSlug, Name: *ownerName}
	}
	if fileID != nil {
		r.File = &File{ID: *fileID, Filename: *fileName, ContentType: *fileType, Size: *fileSize, SHA256: fileSHA, Chunks: *fileChunks}
	}
	r.Topics = make([]Topic, len(topicSlugs))
	for i := range topicSlugs {
		r.Topics[i] = Topic{Slug: topicSlugs[i], Name: topicNames[i]}
	}
	return r, nil
}

// Get returns the resource slug if viewer may see it: public ones for everyone, staff-only
// ones for signed-in staff, archived ones for admins only. Otherwise edit.ErrNotFound.
func (s *Store) Get(ctx context.Context, v access.Viewer, slug string) (Resource, error) {
	if !edit.ValidSlug(slug) {
		return Resource{}, edit.ErrNotFound
	}
	args := append(viewerArgs(v), slug)
	r, err := scanResource(s.db.QueryRow(ctx, `SELECT `+resourceColumns+resourceFrom+` WHERE r.slug = $3 AND `+visibleResource, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return r, edit.ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("library: get %s: %w", slug, err)
	}
	return r, nil
}

// Topics returns the topics on offer (not retired), in the admins' order.
func (s *Store) Topics(ctx context.Context) ([]Topic, error) {
	return s.topics(ctx, false)
}

// AllTopics returns every topic, retired ones too, for the admins' list.
func (s *Store) AllTopics(ctx context.Context) ([]Topic, error) {
	return s.topics(ctx, true)
}

func (s *Store) topics(ctx context.Context, retired bool) ([]Topic, error) {
	rows, err := s.db.Query(ctx, `SELECT id, slug, name, retired_at IS NOT NULL, version FROM topics
		WHERE retired_at IS NULL OR $1 ORDER BY retired_at IS NOT NULL, sort_order, lower(name)`, retired)
	if err != nil {
		return nil, fmt.Errorf("library: topics: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Topic, error) {
		var t Topic
		err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Retired, &t.Version)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("library: topics: %w", err)
	}
	return out, nil
}

// Owners returns the organisations viewer may choose as the owner of a resource: every
// current agency for an admin, their own for an RSL officer, none for anyone else.
func (s *Store) Owners(ctx context.Context, v access.Viewer) ([]Owner, error) {
	own, admin := v.EditScope()
	rows, err := s.db.Query(ctx, `SELECT slug, name FROM agencies a
		WHERE a.archived_at IS NULL AND (a.id = $1 OR $2) ORDER BY lower(a.name), a.id`, own, admin)
	if err != nil {
		return nil, fmt.Errorf("library: owners: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Owner, error) {
		var o Owner
		err := row.Scan(&o.Slug, &o.Name)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("library: owners: %w", err)
	}
	return out, nil
}
