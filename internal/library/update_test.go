package library_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/library"
)

// An RSL officer keeps only their own organisation's resources: what they add is owned by
// their organisation whatever the form says, and another organisation's resource is missing
// to them.
func TestOfficerKeepsOnlyOwnResources(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	officer := viewerOf(t, pool, access.RSLOfficer, "clyde-valley-housing-association")
	in := linkInput("Our tenancy support leaflet")
	in.Owner = "link-group" // ignored: an officer's resource is their organisation's
	r, err := s.Create(ctx, officer, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Owner == nil || r.Owner.Slug != "clyde-valley-housing-association" {
		t.Fatalf("owner %+v", r.Owner)
	}
	mine, err := s.Managed(ctx, officer)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mine {
		if m.OwnerID != officer.AgencyID {
			t.Errorf("officer manages %s of agency %d", m.Slug, m.OwnerID)
		}
	}
	if !slices.Contains(slugsOf(mine), r.Slug) || !slices.Contains(slugsOf(mine), "clyde-valley-domestic-abuse-policy") {
		t.Errorf("managed: %v", slugsOf(mine))
	}

	// Another organisation's resource (or one nobody owns) is not found, for every action.
	for _, slug := range []string{"housing-domestic-abuse-policy", "dash-risk-checklist"} {
		other, err := s.Get(ctx, officer, slug)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ForEdit(ctx, officer, slug); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s for edit: %v", slug, err)
		}
		if _, err := s.Update(ctx, officer, slug, library.InputOf(other), nil, other.Version); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s update: %v", slug, err)
		}
		if _, err := s.Archive(ctx, officer, slug, other.Version); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%s archive: %v", slug, err)
		}
		if got, _ := s.Get(ctx, officer, slug); got.Version != other.Version {
			t.Errorf("%s changed", slug)
		}
	}

	// Their own: update, archive; then it is gone for them and only an admin restores it.
	in = library.InputOf(r)
	in.Title = "Our tenancy support leaflet (2025)"
	in.Owner = "link-group"
	up, err := s.Update(ctx, officer, r.Slug, in, nil, r.Version)
	if err != nil || up.Title != in.Title || up.Owner.Slug != "clyde-valley-housing-association" || up.Slug != r.Slug {
		t.Fatalf("update: %+v %v", up, err)
	}
	if _, err := s.Archive(ctx, officer, r.Slug, up.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ForEdit(ctx, officer, r.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("archived for edit by officer: %v", err)
	}
	if _, err := s.Get(ctx, viewerOf(t, pool, access.HousingStaff, ""), r.Slug); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("archived seen by staff: %v", err)
	}
	if _, err := s.Restore(ctx, officer, r.Slug, up.Version+1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer restore: %v", err)
	}
	admin := viewerOf(t, pool, access.Admin, "")
	a, err := s.Get(ctx, admin, r.Slug)
	if err != nil || !a.Archived {
		t.Fatalf("admin get archived: %+v %v", a, err)
	}
	if _, err := s.Restore(ctx, admin, r.Slug, a.Version); err != nil {
		t.Fatal(err)
	}
	for action, n := range map[string]int{"resource.create": 1, "resource.update": 1, "resource.archive": 1, "resource.restore": 1} {
		if got := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = $1 AND entity_id = $2 AND agency_id = $3`,
			action, r.ID, officer.AgencyID); got != n {
			t.Errorf("%s events: %d", action, got)
		}
	}
}

// A save from a form opened on an older version is refused with the resource as it now is,
// and nothing is written; the merge keeps this person's input on top of the other change.
func TestUpdateConflict(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	r, err := s.ForEdit(ctx, admin, "where-to-get-help-leaflet")
	if err != nil {
		t.Fatal(err)
	}
	was := library.InputOf(r)
	theirs := was
	theirs.Summary = "Their new summary."
	saved, err := s.Update(ctx, admin, r.Slug, theirs, nil, r.Version)
	if err != nil || saved.Version != r.Version+1 {
		t.Fatalf("first save: %v", err)
	}
	mine := was
	mine.Title = "My new title"
	_, err = s.Update(ctx, admin, r.Slug, mine, nil, r.Version)
	var conflict *edit.ConflictError[library.Resource]
	if !errors.As(err, &conflict) || conflict.Current.Summary != "Their new summary." || !errors.Is(err, edit.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
	if got, _ := s.Get(ctx, admin, r.Slug); got.Title != r.Title || got.Version != saved.Version {
		t.Errorf("stale save wrote: %+v", got)
	}
	merged, changes := library.ResourceForm(nil).Merge(&was, library.InputOf(conflict.Current), mine)
	if merged.Title != "My new title" || merged.Summary != "Their new summary." || len(changes) != 1 || changes[0].Field != "summary" || changes[0].Clash {
		t.Errorf("merge: %+v %+v", merged, changes)
	}
	// Saving the same values again writes nothing.
	same, err := s.Update(ctx, admin, r.Slug, library.InputOf(saved), nil, saved.Version)
	if err != nil || same.Version != saved.Version {
		t.Errorf("no-op save: %v %d", err, same.Version)
	}
	if n := count(t, pool, `SELECT count(*) FROM audit_events WHERE action = 'resource.update' AND entity_id = $1`, r.ID); n != 1 {
		t.Errorf("update events: %d", n)
	}
}

// A file replaces a link and a link a file; a replaced file is deleted; an update that sends
// neither keeps the file.
func TestReplaceFileAndLink(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	r, _ := s.ForEdit(ctx, admin, "where-to-get-help-leaflet")
	in := library.InputOf(r)
	in.URL = ""
	withFile, err := s.Update(ctx, admin, r.Slug, in, upload("leaflet.pdf", pdfBytes(2000)), r.Version)
	if err != nil || withFile.File == nil || withFile.URL != "" {
		t.Fatalf("to file: %+v %v", withFile, err)
	}
	first := withFile.File.ID
	in = library.InputOf(withFile)
	in.Summary = "Kept the file."
	kept, err := s.Update(ctx, admin, r.Slug, in, nil, withFile.Version)
	if err != nil || kept.File == nil || kept.File.ID != first {
		t.Fatalf("keep file: %+v %v", kept.File, err)
	}
	replaced, err := s.Update(ctx, admin, r.Slug, in, upload("leaflet-v2.png", pngBytes), kept.Version)
	if err != nil || replaced.File == nil || replaced.File.ID == first || replaced.File.ContentType != "image/png" {
		t.Fatalf("replace file: %+v %v", replaced.File, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM resource_files WHERE id = $1`, first); n != 0 {
		t.Error("replaced file kept")
	}
	if n := count(t, pool, `SELECT count(*) FROM resource_file_chunks WHERE file_id = $1`, first); n != 0 {
		t.Error("replaced file's chunks kept")
	}
	in.URL = "https://example.org/leaflet"
	linked, err := s.Update(ctx, admin, r.Slug, in, nil, replaced.Version)
	if err != nil || linked.File != nil || linked.URL != in.URL {
		t.Fatalf("to link: %+v %v", linked, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM resource_files WHERE id = $1`, replaced.File.ID); n != 0 {
		t.Error("file kept after switching to a link")
	}
	// A link resource whose link is cleared, with no file sent, is refused.
	in.URL = ""
	if _, err := s.Update(ctx, admin, r.Slug, in, nil, linked.Version); fieldErr(err, "url") == "" {
		t.Errorf("cleared link: %v", err)
	}
	// A bad upload on update stores nothing and changes nothing.
	before := count(t, pool, `SELECT count(*) FROM resource_files`)
	if _, err := s.Update(ctx, admin, r.Slug, in, upload("x.pdf", []byte("<html><script>alert(1)</script></html>")), linked.Version); fieldErr(err, "file") == "" {
		t.Errorf("html on update: %v", err)
	}
	if after := count(t, pool, `SELECT count(*) FROM resource_files`); after != before {
		t.Error("bad upload stored")
	}
}

func TestTopics(t *testing.T) {
	t.Parallel()
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := viewerOf(t, pool, access.Admin, "")
	topic, err := s.AddTopic(ctx, admin, "  Stalking  ")
	if err != nil || topic.Slug != "stalking" || topic.Name != "Stalking" {
		t.Fatalf("add: %+v %v", topic, err)
	}
	if _, err := s.AddTopic(ctx, admin, "stalking"); fieldErr(err, "name") == "" {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := s.AddTopic(ctx, admin, "\xff"); fieldErr(err, "name") == "" {
		t.Errorf("invalid utf8: %v", err)
	}
	if _, err := s.AddTopic(ctx, viewerOf(t, pool, access.RSLOfficer, "link-group"), "Mine"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer adds topic: %v", err)
	}
	// Renaming a topic renames it in the search index of its resources.
	all, _ := s.AllTopics(ctx)
	var marac library.Topic
	for _, tp := range all {
		if tp.Slug == "marac" {
			marac = tp
		}
	}
	renamed, err := s.UpdateTopic(ctx, admin, "marac", "Multi-agency risk conferences", false, marac.Version)
	if err != nil || renamed.Name != "Multi-agency risk conferences" || renamed.Slug != "marac" {
		t.Fatalf("rename: %+v %v", renamed, err)
	}
	res, err := s.Search(ctx, admin, library.Query{Text: "conferences", Page: 1})
	if err != nil || !slices.Contains(slugsOf(res.Resources), "dash-risk-checklist") {
		t.Errorf("search by new topic name: %v %v", slugsOf(res.Resources), err)
	}
	if _, err := s.UpdateTopic(ctx, admin, "marac", "MARAC", true, marac.Version); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale topic update: %v", err)
	}
	// A retired topic is no longer offered but stays on its resources, and saving one of them
	// keeps it.
	if _, err := s.UpdateTopic(ctx, admin, "marac", renamed.Name, true, renamed.Version); err != nil {
		t.Fatal(err)
	}
	offered, _ := s.Topics(ctx)
	for _, tp := range offered {
		if tp.Slug == "marac" {
			t.Error("retired topic offered")
		}
	}
	r, _ := s.ForEdit(ctx, admin, "dash-risk-checklist")
	in := library.InputOf(r)
	in.Summary = "Changed."
	saved, err := s.Update(ctx, admin, r.Slug, in, nil, r.Version)
	if err != nil || !slices.Contains(saved.TopicSlugs(), "marac") {
		t.Errorf("retired topic dropped on save: %v %v", saved.TopicSlugs(), err)
	}
	// ... but cannot be given to another resource.
	other, _ := s.ForEdit(ctx, admin, "tech-safety-guide")
	in = library.InputOf(other)
	in.Topics = append(in.Topics, "marac")
	if _, err := s.Update(ctx, admin, other.Slug, in, nil, other.Version); fieldErr(err, "topics") == "" {
		t.Errorf("retired topic given: %v", err)
	}
}
