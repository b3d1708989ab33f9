package vocab_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/validate"
	"dadirectory/internal/vocab"
)

// newAdmin adds an admin account and returns them as a viewer.
func newAdmin(t *testing.T, pool *pgxpool.Pool, name string) access.Viewer {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `INSERT INTO users (email, name, role) VALUES ($1, $2, 'admin') RETURNING id`,
		strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.org", name).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return access.Viewer{UserID: id, Role: access.Admin}
}

func auditCount(t *testing.T, pool *pgxpool.Pool, action string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSynonymSetsAddEditRemove(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	ana, ben := newAdmin(t, pool, "Ana Admin"), newAdmin(t, pool, "Ben Admin")
	s := vocab.NewStore(pool)

	seeded, err := s.SynonymSets(ctx, ana)
	if err != nil || len(seeded) < 11 || !slices.Contains(seeded[0].Phrases, "coercive control") {
		t.Fatalf("seeded sets: %v %+v", err, seeded)
	}
	for _, v := range []access.Viewer{access.Public, {UserID: ana.UserID, Role: access.HousingStaff}, {UserID: ana.UserID, Role: access.Champion}} {
		if _, err := s.SynonymSets(ctx, v); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%v lists sets: %v", v.Role, err)
		}
		if _, err := s.AddSynonymSet(ctx, v, vocab.SetInput{Phrases: "a\nb"}); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%v adds a set: %v", v.Role, err)
		}
	}

	// Bad input is refused with field errors and stores nothing.
	before := len(seeded)
	for _, bad := range []string{"", "one", "<script>alert(1)</script>\nDV", "'; DROP TABLE synonym_sets;--\nx", "ok\xff\nb", "DV\ndv"} {
		_, err := s.AddSynonymSet(ctx, ana, vocab.SetInput{Phrases: bad})
		var invalid validate.Errors
		if !errors.As(err, &invalid) || !invalid.Has("phrases") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if got, _ := s.SynonymSets(ctx, ana); len(got) != before {
		t.Fatalf("refused sets were stored: %d sets, had %d", len(got), before)
	}

	set, err := s.AddSynonymSet(ctx, ana, vocab.SetInput{Phrases: "befriending\n  peer   support \nbuddy"})
	if err != nil || set.Version != 1 || strings.Join(set.Phrases, "|") != "befriending|peer support|buddy" {
		t.Fatalf("add: %v %+v", err, set)
	}
	if n := auditCount(t, pool, "synonym_set.create"); n != 1 {
		t.Errorf("%d create events", n)
	}

	// Ana and Ben open the form on version 1; Ana saves first.
	opened := set.Input()
	saved, err := s.UpdateSynonymSet(ctx, ana, set.ID, vocab.SetInput{Phrases: opened.Phrases + "\nmentoring"}, 1)
	if err != nil || saved.Version != 2 || len(saved.Phrases) != 4 {
		t.Fatalf("update: %v %+v", err, saved)
	}
	// Ben's save on version 1 is refused: nothing of Ana's is overwritten, and he is told who.
	bens := vocab.SetInput{Phrases: "befriending\npeer support\nbuddy\ncompanion"}
	_, err = s.UpdateSynonymSet(ctx, ben, set.ID, bens, 1)
	var conflict *edit.ConflictError[vocab.SynonymSet]
	if !errors.As(err, &conflict) || !errors.Is(err, edit.ErrConflict) || conflict.Current.Version != 2 || conflict.SavedBy != "Ana Admin" {
		t.Fatalf("stale update: %v %+v", err, conflict)
	}
	if now, _ := s.SynonymSet(ctx, ana, set.ID); !slices.Contains(now.Phrases, "mentoring") || slices.Contains(now.Phrases, "companion") {
		t.Errorf("after the refused save: %+v", now)
	}
	// The merge offers Ben his own change on top of Ana's, marked as a clash.
	merged, c := vocab.SetForm().Resolve(edit.Original(opened), conflict.Current.Input(), bens)
	if merged.Phrases != bens.Phrases || len(c.Changes) != 1 || !c.Changes[0].Clash ||
		c.Changes[0].Now != "befriending · peer support · buddy · mentoring" {
		t.Errorf("merge: %+v %+v", merged, c.Changes)
	}
	// Saving what is there changes nothing and records nothing.
	same, err := s.UpdateSynonymSet(ctx, ana, set.ID, saved.Input(), 2)
	if err != nil || same.Version != 2 || auditCount(t, pool, "synonym_set.update") != 1 {
		t.Errorf("unchanged save: %v %+v", err, same)
	}
	// A stale remove is refused too; a current one removes the set.
	if _, err := s.RemoveSynonymSet(ctx, ben, set.ID, 1); !errors.As(err, &conflict) {
		t.Errorf("stale remove: %v", err)
	}
	if _, err := s.RemoveSynonymSet(ctx, ben, set.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SynonymSet(ctx, ana, set.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("removed set: %v", err)
	}
	if _, err := s.UpdateSynonymSet(ctx, ana, set.ID, bens, 2); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("update of a removed set: %v", err)
	}
	if n := auditCount(t, pool, "synonym_set.delete"); n != 1 {
		t.Errorf("%d delete events", n)
	}

	// What search reads sees the change.
	v, err := vocab.Load(ctx, pool)
	if err != nil || len(v.Synonyms) != before {
		t.Errorf("load: %v, %d sets", err, len(v.Synonyms))
	}
}

func TestSynonymSetRevertFromTheTrail(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	ana := newAdmin(t, pool, "Ana Admin")
	s := vocab.NewStore(pool)
	set, err := s.AddSynonymSet(ctx, ana, vocab.SetInput{Phrases: "stalking\nharassment"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSynonymSet(ctx, ana, set.ID, vocab.SetInput{Phrases: "stalking\nharassment\nfollowing"}, 1); err != nil {
		t.Fatal(err)
	}
	trail, err := audit.NewStore(pool, vocab.AuditEntities()...)
	if err != nil {
		t.Fatal(err)
	}
	var create, update int64
	if err := pool.QueryRow(ctx, `SELECT min(id), max(id) FROM audit_events WHERE entity_type = 'synonym_set' AND entity_id = $1`, set.ID).Scan(&create, &update); err != nil {
		t.Fatal(err)
	}
	if _, err := trail.Revert(ctx, ana, update); err != nil {
		t.Fatal(err)
	}
	now, _ := s.SynonymSet(ctx, ana, set.ID)
	if strings.Join(now.Phrases, "|") != "stalking|harassment" || now.Version != 3 {
		t.Errorf("after revert: %+v", now)
	}
	var refused *audit.RevertRefused
	if _, err := trail.Revert(ctx, ana, create); !errors.As(err, &refused) {
		t.Errorf("revert of a creation: %v", err)
	}
}

func TestAreaPlaces(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	ana, ben := newAdmin(t, pool, "Ana Admin"), newAdmin(t, pool, "Ben Admin")
	if _, err := pool.Exec(ctx, `INSERT INTO areas (slug, name, sort_order) VALUES
		('motherwell', 'Motherwell', 10), ('bellshill', 'Bellshill', 20), ('gone', 'Gone', 30)`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE areas SET retired_at = now() WHERE slug = 'gone'`); err != nil {
		t.Fatal(err)
	}
	s := vocab.NewStore(pool)
	all, err := s.AllAreaPlaces(ctx, ana)
	if err != nil || len(all) != 2 || all[0].AreaSlug != "motherwell" || all[0].Version != 0 {
		t.Fatalf("areas: %v %+v", err, all)
	}
	if _, err := s.AreaPlacesOf(ctx, ana, "gone"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("retired area: %v", err)
	}
	if _, err := s.AreaPlacesOf(ctx, access.Viewer{UserID: ana.UserID, Role: access.HousingStaff}, "motherwell"); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("housing staff: %v", err)
	}
	if _, err := s.UpdateAreaPlaces(ctx, ana, "'; DROP TABLE areas;--", vocab.PlacesInput{}, 0); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("bad slug: %v", err)
	}

	// The first save makes the row.
	mw, err := s.UpdateAreaPlaces(ctx, ana, "motherwell", vocab.PlacesInput{Places: "Motherwell\nCarfin\ncarfin", Postcodes: "ml1"}, 0)
	if err != nil || mw.Version != 1 || strings.Join(mw.Places.Places, "|") != "Motherwell|Carfin" || strings.Join(mw.Places.Postcodes, "|") != "ML1" {
		t.Fatalf("first save: %v %+v", err, mw)
	}
	// A form opened before that first save is stale.
	_, err = s.UpdateAreaPlaces(ctx, ben, "motherwell", vocab.PlacesInput{Places: "Cleland"}, 0)
	var conflict *edit.ConflictError[vocab.AreaPlaces]
	if !errors.As(err, &conflict) || conflict.Current.Version != 1 || conflict.SavedBy != "Ana Admin" {
		t.Fatalf("stale first save: %v", err)
	}
	// Bad input: a full postcode and markup are refused, nothing stored.
	_, err = s.UpdateAreaPlaces(ctx, ana, "motherwell", vocab.PlacesInput{Places: "<b>Motherwell</b>", Postcodes: "ML1 4AB"}, 1)
	var invalid validate.Errors
	if !errors.As(err, &invalid) || !invalid.Has("places") || !invalid.Has("postcodes") {
		t.Errorf("bad input: %v", err)
	}
	bh, err := s.UpdateAreaPlaces(ctx, ana, "bellshill", vocab.PlacesInput{Places: "Bellshill\nCarfin", Postcodes: "ML1 4"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Overlaps are reported, not refused.
	over, err := s.PlaceOverlaps(ctx, ana, "bellshill", bh.Places)
	if err != nil || len(over) != 2 || over[0].Entry != "Carfin" || over[1].OtherHas != "ML1" {
		t.Errorf("overlaps: %v %+v", err, over)
	}
	// Update, then a stale update.
	if _, err := s.UpdateAreaPlaces(ctx, ana, "motherwell", vocab.PlacesInput{Places: "Motherwell\nCleland", Postcodes: "ML1"}, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAreaPlaces(ctx, ben, "motherwell", vocab.PlacesInput{Places: "Motherwell"}, 1); !errors.As(err, &conflict) {
		t.Errorf("stale update: %v", err)
	}
	if n := auditCount(t, pool, "area_places.update"); n != 3 {
		t.Errorf("%d audit events", n)
	}
	v, err := vocab.Load(ctx, pool)
	if err != nil || len(v.Places) != 4 || len(v.Postcode) != 2 {
		t.Errorf("load: %v %+v", err, v)
	}
}
