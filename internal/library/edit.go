package library

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres"
	"dadirectory/internal/validate"
)

// Input is a resource as typed into its form. The JSON names are the form's field names, so a
// form can carry the values it started from (to show what someone else changed if the save
// loses a race). The file, when one is sent, travels beside it as an *Upload.
type Input struct {
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Kind       string   `json:"kind"`
	Topics     []string `json:"topics"`
	Owner      string   `json:"owner"` // agency slug; "" for none. Ignored for RSL officers.
	Visibility string   `json:"visibility"`
	URL        string   `json:"url"`
}

// InputOf is the form's values for a saved resource.
func InputOf(r Resource) Input {
	in := Input{Title: r.Title, Summary: r.Summary, Kind: string(r.Kind), Topics: r.TopicSlugs(), URL: r.URL, Visibility: Public}
	if r.StaffOnly {
		in.Visibility = Staff
	}
	if r.Owner != nil {
		in.Owner = r.Owner.Slug
	}
	return in
}

const (
	msgURLOrFile  = "Enter a web address, or choose a file to upload"
	msgURLAndFile = "Give a web address or a file, not both. Clear the web address to use the file instead."
	maxTitle      = 200
	maxSummary    = 1000
	fieldURL      = "url"
	fieldFile     = "file"
	fieldTopics   = "topics"
	fieldOwner    = "owner"
	auditEntity   = "resource"
)

// reservedSlugs would read as pages of their own under /resources/ and /admin/resources/.
var reservedSlugs = []string{"new", "topics"}

// clean checks in and returns it as it would be stored: text trimmed, a summary on one line,
// topics de-duplicated and sorted. Whether topics and the owner exist is checked later, against
// the database. Links must be absolute http or https: javascript:, data:, //host and the rest
// are refused with a message.
func clean(in Input) (Input, validate.Errors) {
	var e validate.Errors
	summary := strings.NewReplacer("\r\n", " ", "\n", " ").Replace(in.Summary)
	out := Input{
		Title:      e.Name("title", "Title", in.Title, true, maxTitle),
		Summary:    e.Text("summary", "Summary", summary, false, maxSummary, false),
		Kind:       in.Kind,
		Visibility: e.OneOf("visibility", "who can see this resource", in.Visibility, Public, Staff),
		URL:        cleanURL(&e, in.URL),
		Owner:      strings.TrimSpace(in.Owner),
	}
	if !Kind(in.Kind).valid() {
		e.Add("kind", "Choose the type of resource")
	}
	if out.Owner != "" && !edit.ValidSlug(out.Owner) {
		e.Add(fieldOwner, "Choose an organisation from the list")
	}
	out.Topics = []string{}
	for _, s := range in.Topics {
		if !edit.ValidSlug(s) {
			if !e.Has(fieldTopics) {
				e.Add(fieldTopics, "Choose topics from the list")
			}
			continue
		}
		out.Topics = append(out.Topics, s)
	}
	slices.Sort(out.Topics)
	out.Topics = slices.Compact(out.Topics)
	return out, e
}

// cleanURL checks a link: absolute http or https only. Another scheme gets a message naming
// the problem, since javascript: or data: links are how a page is made to run code.
func cleanURL(e *validate.Errors, value string) string {
	v := strings.TrimSpace(value)
	if i := strings.IndexByte(v, ':'); i > 0 && utf8.ValidString(v) {
		scheme := strings.ToLower(v[:i])
		if scheme != "http" && scheme != "https" && !strings.ContainsAny(scheme, "/?#.") {
			e.Add(fieldURL, "Web address must start with https:// or http://. Other kinds of link, such as javascript: or data:, are not allowed.")
			return v
		}
	}
	return e.WebURL(fieldURL, "Web address", v)
}

// Create adds a resource from in and, when up is not nil, its file. It returns
// validate.Errors for bad input (nothing is stored), edit.ErrNotFound when viewer may not add
// resources. An RSL officer's resource always belongs to their own organisation. The
// resource, its file and the audit event are written in one transaction.
func (s *Store) Create(ctx context.Context, v access.Viewer, in Input, up *Upload) (Resource, error) {
	own, admin := v.EditScope()
	if own == 0 && !admin {
		return Resource{}, edit.ErrNotFound
	}
	c, errs := clean(in)
	switch {
	case c.URL != "" && up != nil:
		errs.Add(fieldURL, msgURLAndFile)
	case c.URL == "" && up == nil && !errs.Has(fieldURL):
		errs.Add(fieldURL, msgURLOrFile)
	}
	file, err := inspect(up, c.Title, &errs)
	if err != nil {
		return Resource{}, err
	}
	var out Resource
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		topics, ownerID, err := lookupRefs(ctx, tx, v, c, 0, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		slug, err := edit.FreeSlug(ctx, tx, "resources", edit.Slug(c.Title, "resource"), reservedSlugs...)
		if err != nil {
			return err
		}
		var fileID *int64
		if file != nil {
			f, err := storeFile(ctx, tx, file, up.Size, &errs)
			if err != nil {
				return err
			}
			fileID = &f.ID
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO resources (slug, title, summary, kind, owner_id, visibility, url, file_id,
				tags, reviewed_at, review_due, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), `+reviewDueSQL+`, $10) RETURNING id`,
			slug, c.Title, c.Summary, c.Kind, ownerID, c.Visibility, nullText(c.URL), fileID, topicTags(topics), nullID(v.UserID)).Scan(&id)
		if err != nil {
			return fmt.Errorf("library: create resource: %w", err)
		}
		if err := setTopics(ctx, tx, id, topics); err != nil {
			return err
		}
		if out, err = loadForEdit(ctx, tx, v, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "resource.create", EntityType: auditEntity,
			EntityID: id, AgencyID: out.OwnerID, After: out.auditRow()})
	})
	return out, err
}

// Update saves in (and up, a new file, when not nil) over the resource slug, provided the
// form was opened on the current version. It returns validate.Errors for bad input,
// *ConflictError when someone else saved first (nothing is written), edit.ErrNotFound when viewer
// may not change the resource. Leaving both the link and the file empty keeps the file the
// resource has; a link replaces a file, and a file a link. A save that changes nothing writes
// nothing.
func (s *Store) Update(ctx context.Context, v access.Viewer, slug string, in Input, up *Upload, version int) (Resource, error) {
	c, errs := clean(in)
	if c.URL != "" && up != nil {
		errs.Add(fieldURL, msgURLAndFile)
	}
	file, err := inspect(up, c.Title, &errs)
	if err != nil {
		return Resource{}, err
	}
	var out Resource
	err = postgres.WithTx(ctx, s.db, func(tx pgx.Tx) error {
		before, err := loadForEdit(ctx, tx, v, slug, true)
		if err != nil {
			return err
		}
		if c.URL == "" && up == nil && before.File == nil && !errs.Has(fieldURL) {
			errs.Add(fieldURL, msgURLOrFile)
		}
		topics, ownerID, err := lookupRefs(ctx, tx, v, c, before.ID, &errs)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return errs
		}
		if before.Version != version {
			return edit.Conflicted(before)
		}
		was := InputOf(before)
		if file == nil && (c.URL == "" || c.URL == before.URL) && sameInput(c, was) && ptrEq(ownerID, before.OwnerID) {
			out = before
			return nil
		}
		fileID, url := fileIDOf(before), nullText(c.URL)
		if file != nil {
			f, err := storeFile(ctx, tx, file, up.Size, &errs)
			if err != nil {
				return err
			}
			fileID = &f.ID
		} else if c.URL != "" {
			fileID = nil
		}
		if fileID != nil {
			url = nil
		}
		own, admin := v.EditScope()
		tag, err := tx.Exec(ctx, `UPDATE resources r SET title = $5, summary = $6, kind = $7, owner_id = $8,
				visibility = $9, url = $10, file_id = $11, tags = $12, reviewed_at = now(), review_due = `+reviewDueSQL+`,
				version = r.version + 1, updated_at = now()
			WHERE r.id = $1 AND r.version = $2 AND `+mayEdit,
			before.ID, version, own, admin, c.Title, c.Summary, c.Kind, ownerID, c.Visibility, url, fileID, topicTags(topics))
		if err != nil {
			return fmt.Errorf("library: update resource %s: %w", slug, err)
		}
		if tag.RowsAffected() != 1 { // cannot happen under the row lock; the WHERE is the guard
			return edit.Conflicted(before)
		}
		if before.File != nil && (fileID == nil || *fileID != before.File.ID) {
			if _, err := tx.Exec(ctx, `DELETE FROM resource_files WHERE id = $1`, before.File.ID); err != nil {
				return fmt.Errorf("library: delete replaced file: %w", err)
			}
		}
		if err := setTopics(ctx, tx, before.ID, topics); err != nil {
			return err
		}
		if out, err = loadForEdit(ctx, tx, v, slug, false); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, Action: "resource.update", EntityType: auditEntity,
			EntityID: before.ID, AgencyID: out.OwnerID, Before: before.auditRow(), After: out.auditRow()})
	})
	return out, err
}

// inspect checks an upload's type and size; nil up is no file.
func inspect(up *Upload, title string, errs *validate.Errors) (*inspected, error) {
	if up == nil {
		return nil, nil
	}
	return inspectUpload(up, edit.Slug(title, "resource"), errs)
}
