package directory_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

func TestOwnChampionEntry(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	champ := insertUser(t, pool, access.Champion, "", motherwellChampion)
	e, err := s.OwnChampionEntry(ctx, champ)
	if err != nil {
		t.Fatal(err)
	}
	if e.RoleTitle != motherwellChampion || e.Version != 1 || !slices.Equal(e.AreaSlugs(), []string{"motherwell"}) || len(e.Phones) != 2 {
		t.Errorf("entry %+v", e)
	}
	if _, err := s.OwnChampionEntry(ctx, insertUser(t, pool, access.Champion, "", "")); !errors.Is(err, directory.ErrNoChampionEntry) {
		t.Errorf("unlinked: %v", err)
	}
	if _, err := s.OwnChampionEntry(ctx, access.Viewer{UserID: champ.UserID, Role: access.HousingStaff}); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("not a champion: %v", err)
	}
	exec(t, pool, `UPDATE contacts SET archived_at = now() WHERE role_title = $1`, motherwellChampion)
	if _, err := s.OwnChampionEntry(ctx, champ); !errors.Is(err, directory.ErrNoChampionEntry) {
		t.Errorf("archived entry: %v", err)
	}
}

func TestUpdateOwnChampionSavesAndAudits(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	champ := insertUser(t, pool, access.Champion, "", motherwellChampion)
	// A retired area the entry covers is not on the form, so saving must not drop it.
	exec(t, pool, `INSERT INTO areas (slug, name, retired_at) VALUES ('old-patch', 'Old patch', now())`)
	exec(t, pool, `INSERT INTO contact_areas (contact_id, area_id) SELECT c.id, a.id FROM contacts c, areas a
		WHERE c.role_title = $1 AND a.slug = 'old-patch'`, motherwellChampion)

	after, err := s.UpdateOwnChampion(ctx, champ, directory.ChampionInput{
		Version: 1,
		Phones:  []directory.Phone{{Label: " Desk ", Number: "01632 960 999"}, {}, {Label: "", Number: "07700 900999"}},
		Hours:   " Monday to Thursday, 9am to 4pm ",
		Areas:   []string{"wishaw", "motherwell", "wishaw"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantPhones := []directory.Phone{{Label: "Desk", Number: "01632960999"}, {Label: "", Number: "07700900999"}}
	if after.Version != 2 || !slices.Equal(after.Phones, wantPhones) || after.Hours != "Monday to Thursday, 9am to 4pm" ||
		!slices.Equal(after.AreaSlugs(), []string{"motherwell", "wishaw"}) {
		t.Errorf("after %+v", after)
	}
	var retiredKept bool
	pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM contact_areas ca JOIN areas a ON a.id = ca.area_id
		WHERE ca.contact_id = $1 AND a.slug = 'old-patch')`, after.ID).Scan(&retiredKept)
	if !retiredKept {
		t.Error("the retired area's link was dropped")
	}

	var actor, agency int64
	var action string
	var before, afterJSON []byte
	err = pool.QueryRow(ctx, `SELECT actor_id, action, agency_id, before, after FROM audit_events
		WHERE entity_type = 'contact' AND entity_id = $1`, after.ID).Scan(&actor, &action, &agency, &before, &afterJSON)
	if err != nil {
		t.Fatal(err)
	}
	var b, a directory.ChampionSnapshot
	json.Unmarshal(before, &b)
	json.Unmarshal(afterJSON, &a)
	if actor != champ.UserID || action != "contact.update" || agency != after.AgencyID || b.Version != 1 || a.Version != 2 ||
		b.Hours != "Monday to Friday, 9am to 5pm" || a.Hours != after.Hours || !slices.Equal(a.Areas, []string{"motherwell", "wishaw"}) {
		t.Errorf("audit event: actor %d action %s before %s after %s", actor, action, before, afterJSON)
	}
}

func TestUpdateOwnChampionRefusesBadInput(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	champ := insertUser(t, pool, access.Champion, "", motherwellChampion)
	for _, c := range []struct {
		name  string
		in    directory.ChampionInput
		field string
	}{
		{"bad number", directory.ChampionInput{Phones: []directory.Phone{{Number: "12345"}}, Areas: []string{"motherwell"}}, "phone_number-0"},
		{"label only", directory.ChampionInput{Phones: []directory.Phone{{}, {Label: "Mobile"}}, Areas: []string{"motherwell"}}, "phone_number-1"},
		{"long label", directory.ChampionInput{Phones: []directory.Phone{{Label: strings.Repeat("x", 61), Number: "01632960999"}}, Areas: []string{"motherwell"}}, "phone_label-0"},
		{"unknown area", directory.ChampionInput{Areas: []string{"motherwell", "atlantis"}}, "areas"},
		{"NUL in area", directory.ChampionInput{Areas: []string{"mother\x00well"}}, "areas"},
		{"no area", directory.ChampionInput{}, "areas"},
		{"hours on two lines", directory.ChampionInput{Hours: "a\nb", Areas: []string{"motherwell"}}, "hours"},
	} {
		c.in.Version = 1
		_, err := s.UpdateOwnChampion(ctx, champ, c.in)
		var errs validate.Errors
		if !errors.As(err, &errs) || !errs.Has(c.field) {
			t.Errorf("%s: %v, want a message for %s", c.name, err, c.field)
		}
	}
	if e, _ := s.OwnChampionEntry(ctx, champ); e.Version != 1 {
		t.Errorf("refused input changed the entry: version %d", e.Version)
	}
	if _, err := s.UpdateOwnChampion(ctx, access.Viewer{UserID: champ.UserID, Role: access.RSLOfficer}, directory.ChampionInput{}); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("not a champion: %v", err)
	}
	unlinked := insertUser(t, pool, access.Champion, "", "")
	if _, err := s.UpdateOwnChampion(ctx, unlinked, directory.ChampionInput{Version: 1, Areas: []string{"motherwell"}}); !errors.Is(err, directory.ErrNoChampionEntry) {
		t.Errorf("unlinked: %v", err)
	}
}

func TestUpdateOwnChampionRefusesAStaleVersion(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	// Two accounts keep the same entry (a job share): the second saves first.
	first := insertUser(t, pool, access.Champion, "", motherwellChampion)
	second := insertUser(t, pool, access.Champion, "", motherwellChampion)
	if _, err := s.UpdateOwnChampion(ctx, second, directory.ChampionInput{Version: 1, Hours: "Their hours", Areas: []string{"motherwell"},
		Phones: []directory.Phone{{Label: "Desk", Number: "01632960255"}}}); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateOwnChampion(ctx, first, directory.ChampionInput{Version: 1, Hours: "My hours", Areas: []string{"shotts"}})
	var conflict *edit.ConflictError[directory.ChampionEntry]
	if !errors.As(err, &conflict) || !errors.Is(err, edit.ErrConflict) {
		t.Fatalf("stale save: %v, want a conflict", err)
	}
	if conflict.Current.Hours != "Their hours" || conflict.Current.Version != 2 || conflict.SavedBy != "Test champion" ||
		time.Since(conflict.SavedAt) > time.Hour {
		t.Errorf("conflict %+v: want the entry as the other saved it, by them, just now", conflict)
	}
	e, _ := s.OwnChampionEntry(ctx, first)
	if e.Hours != "Their hours" || !slices.Equal(e.AreaSlugs(), []string{"motherwell"}) || e.Version != 2 {
		t.Errorf("the stale save overwrote the entry: %+v", e)
	}
	var events int
	pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity_type = 'contact' AND entity_id = $1`, e.ID).Scan(&events)
	if events != 1 {
		t.Errorf("%d audit events, want 1 (the refused save writes none)", events)
	}
}

func TestChampionFormComparesNumbersAsStored(t *testing.T) {
	areas := []directory.Term{{Slug: "motherwell", Name: "Motherwell"}, {Slug: "wishaw", Name: "Wishaw"}}
	form := directory.ChampionForm(areas)
	was := directory.ChampionInput{Phones: []directory.Phone{{Label: "Desk", Number: "01632 960 255"}}, Hours: "9 to 5", Areas: []string{"motherwell"}}
	// The other person only rewrote the number with other spaces, and added Wishaw.
	now := directory.ChampionInput{Phones: []directory.Phone{{Label: "Desk", Number: "01632960255"}}, Hours: "9 to 5", Areas: []string{"wishaw", "motherwell"}}
	yours := directory.ChampionInput{Phones: was.Phones, Hours: "10 to 4", Areas: []string{"motherwell"}}
	merged, changes := form.Merge(&was, now, yours)
	if len(changes) != 1 || changes[0].Field != "areas" || changes[0].Now != "Motherwell, Wishaw" || changes[0].Clash {
		t.Fatalf("changes %+v: want only the areas, theirs kept", changes)
	}
	if merged.Hours != "10 to 4" || len(merged.Areas) != 2 {
		t.Errorf("merged %+v: want my hours and their areas", merged)
	}
}

// Saving the form as it was shown changes nothing: the version stays and no event is written.
func TestUpdateOwnChampionWithoutChangesWritesNothing(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	champ := insertUser(t, pool, access.Champion, "", motherwellChampion)
	e, err := s.OwnChampionEntry(ctx, champ)
	if err != nil {
		t.Fatal(err)
	}
	in := e.Input()
	in.Hours = " " + in.Hours + " " // as a browser may send it
	after, err := s.UpdateOwnChampion(ctx, champ, in)
	if err != nil {
		t.Fatal(err)
	}
	var events int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE entity_type = 'contact' AND entity_id = $1`, e.ID).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if after.Version != e.Version || events != 0 {
		t.Errorf("an unchanged save moved the version to %d (from %d) and wrote %d audit events", after.Version, e.Version, events)
	}
}
