package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/audit"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
)

// The revert tests make real changes through the directory and accounts stores, as the pages
// do, and revert the events those write.

type revertFixture struct {
	db      *pgxpool.Pool
	trail   *audit.Store
	store   *directory.Store
	users   *accounts.Store
	admin   access.Viewer
	officer access.Viewer // an RSL officer of Clyde Valley
	agency  int64
}

func newRevertFixture(t *testing.T) revertFixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := seed.Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	users, err := accounts.NewStore(db, accounts.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}, accounts.DefaultThrottle, 1)
	if err != nil {
		t.Fatal(err)
	}
	f := revertFixture{db: db, trail: newTrail(t, db), store: directory.NewStore(db), users: users}
	if err := db.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = 'clyde-valley-housing-association'`).Scan(&f.agency); err != nil {
		t.Fatal(err)
	}
	var adminID, officerID int64
	db.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('ann@example.org', 'Ann Admin', 'admin') RETURNING id`).Scan(&adminID)
	db.QueryRow(ctx, `INSERT INTO users (email, name, role, agency_id) VALUES ('rae@example.org', 'Rae Officer', 'rsl_officer', $1) RETURNING id`,
		f.agency).Scan(&officerID)
	f.admin = access.Viewer{UserID: adminID, Role: access.Admin}
	f.officer = access.Viewer{UserID: officerID, Role: access.RSLOfficer, AgencyID: f.agency}
	return f
}

// lastEvent is the id of the newest event with action.
func (f revertFixture) lastEvent(t *testing.T, action string) int64 {
	t.Helper()
	var id int64
	if err := f.db.QueryRow(context.Background(), `SELECT max(id) FROM audit_events WHERE action = $1`, action).Scan(&id); err != nil || id == 0 {
		t.Fatalf("no %s event: %v", action, err)
	}
	return id
}

func (f revertFixture) agencyNow(t *testing.T) directory.AgencyEdit {
	t.Helper()
	a, err := f.store.AgencyForEdit(context.Background(), f.admin, f.agency)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f revertFixture) events(t *testing.T) int {
	t.Helper()
	var n int
	f.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_events`).Scan(&n)
	return n
}

func refusedChangedSince(t *testing.T, err error, field string) {
	t.Helper()
	var refused *audit.RevertRefused
	if !errors.As(err, &refused) || refused.Message != audit.ChangedSince || !slices.Contains(refused.Fields, field) {
		t.Fatalf("want refusal for %s changed since, got %v", field, err)
	}
	if !strings.Contains(refused.Message, "changed since") || !strings.Contains(refused.Message, "revert by editing it") {
		t.Errorf("message %q", refused.Message)
	}
}

func TestRevertRestoresAnOfficersEdit(t *testing.T) {
	t.Parallel()
	f := newRevertFixture(t)
	ctx := context.Background()
	orig := f.agencyNow(t)
	var origTags string
	f.db.QueryRow(ctx, `SELECT tags FROM agencies WHERE id = $1`, f.agency).Scan(&origTags)

	in := orig.AgencyInput
	in.Summary = "Changed by the officer"
	in.Areas = append(slices.Clone(in.Areas), "shotts")
	in.Categories = []string{"helpline"}
	saved, err := f.store.UpdateAgency(ctx, f.officer, f.agency, in, orig.Version)
	if err != nil {
		t.Fatal(err)
	}
	event := f.lastEvent(t, "agency.update")

	entries := list(t, fixture{db: f.db, trail: f.trail}, "org=clyde-valley-housing-association")
	var offered bool
	for _, e := range entries.Entries {
		if e.ID == event {
			offered = f.trail.CanRevert(e)
		}
		if e.Action == "auth.sign_in" && f.trail.CanRevert(e) {
			t.Error("a sign-in is offered for revert")
		}
	}
	if !offered {
		t.Error("the officer's edit is not offered for revert")
	}

	done, err := f.trail.Revert(ctx, f.admin, event)
	if err != nil {
		t.Fatal(err)
	}
	if done.Action != "agency.revert" || done.EntityType != "agency" || done.EntityID != f.agency {
		t.Errorf("reverted %+v", done)
	}
	now := f.agencyNow(t)
	if now.Summary != orig.Summary || !slices.Equal(sorted(now.Areas), sorted(orig.Areas)) || !slices.Equal(sorted(now.Categories), sorted(orig.Categories)) {
		t.Errorf("not restored: summary %q areas %v categories %v", now.Summary, now.Areas, now.Categories)
	}
	if now.Version != saved.Version+1 {
		t.Errorf("version %d, want %d", now.Version, saved.Version+1)
	}
	var tags string
	f.db.QueryRow(ctx, `SELECT tags FROM agencies WHERE id = $1`, f.agency).Scan(&tags)
	if tags != origTags {
		t.Errorf("search tags %q, want %q", tags, origTags)
	}

	// The revert is audited, with before and after, by the admin, for the organisation.
	var actor, agencyID int64
	var before, after []byte
	err = f.db.QueryRow(ctx, `SELECT actor_id, agency_id, before, after FROM audit_events WHERE id = $1`, f.lastEvent(t, "agency.revert")).
		Scan(&actor, &agencyID, &before, &after)
	if err != nil || actor != f.admin.UserID || agencyID != f.agency {
		t.Fatalf("revert event: actor %d agency %d %v", actor, agencyID, err)
	}
	changes := map[string]audit.Change{}
	for _, c := range audit.Changes(before, after) {
		changes[c.Field] = c
	}
	if c := changes["summary"]; c.Before != "Changed by the officer" || c.After != orig.Summary {
		t.Errorf("summary change recorded as %+v", c)
	}
	for _, field := range []string{"areas", "categories", "version"} {
		if _, ok := changes[field]; !ok {
			t.Errorf("revert event lacks %s: %s -> %s", field, before, after)
		}
	}
	if _, ok := changes["website"]; ok {
		t.Error("revert event records a field it did not touch")
	}

	// The revert can itself be reverted: the officer's change is back.
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "agency.revert")); err != nil {
		t.Fatal(err)
	}
	if now := f.agencyNow(t); now.Summary != "Changed by the officer" || !slices.Contains(now.Areas, "shotts") {
		t.Errorf("redo: %q %v", now.Summary, now.Areas)
	}
}

func TestRevertRefusesWhenTheRowChangedSince(t *testing.T) {
	t.Parallel()
	f := newRevertFixture(t)
	ctx := context.Background()
	orig := f.agencyNow(t)
	in := orig.AgencyInput
	in.Summary = "First edit"
	first, err := f.store.UpdateAgency(ctx, f.officer, f.agency, in, orig.Version)
	if err != nil {
		t.Fatal(err)
	}
	firstEvent := f.lastEvent(t, "agency.update")
	in.Summary = "Second edit"
	second, err := f.store.UpdateAgency(ctx, f.officer, f.agency, in, first.Version)
	if err != nil {
		t.Fatal(err)
	}
	secondEvent := f.lastEvent(t, "agency.update")

	n := f.events(t)
	_, err = f.trail.Revert(ctx, f.admin, firstEvent)
	refusedChangedSince(t, err, "summary")
	if now := f.agencyNow(t); now.Summary != "Second edit" || now.Version != second.Version || f.events(t) != n {
		t.Errorf("a refused revert wrote something: %q v%d", now.Summary, now.Version)
	}

	// Undo the newer change, and the older one can go too.
	if _, err := f.trail.Revert(ctx, f.admin, secondEvent); err != nil {
		t.Fatal(err)
	}
	if _, err := f.trail.Revert(ctx, f.admin, firstEvent); err != nil {
		t.Fatal(err)
	}
	if now := f.agencyNow(t); now.Summary != orig.Summary {
		t.Errorf("summary %q, want %q", now.Summary, orig.Summary)
	}

	// A later change to another field does not block a revert, and survives it.
	cur := f.agencyNow(t)
	in = cur.AgencyInput
	in.Summary = "Third edit"
	third, _ := f.store.UpdateAgency(ctx, f.officer, f.agency, in, cur.Version)
	thirdEvent := f.lastEvent(t, "agency.update")
	in.Website = "https://www.example.org/new"
	if _, err := f.store.UpdateAgency(ctx, f.officer, f.agency, in, third.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.trail.Revert(ctx, f.admin, thirdEvent); err != nil {
		t.Fatal(err)
	}
	if now := f.agencyNow(t); now.Summary != orig.Summary || now.Website != "https://www.example.org/new" {
		t.Errorf("after revert: %q %q", now.Summary, now.Website)
	}
}

func TestRevertContacts(t *testing.T) {
	t.Parallel()
	f := newRevertFixture(t)
	ctx := context.Background()
	c, err := f.store.CreateContact(ctx, f.officer, f.agency, directory.ContactInput{RoleTitle: "Night line", Kind: "general",
		Visibility: "public", Phones: []directory.Phone{{Label: "Desk", Number: "01632 960 777"}}})
	if err != nil {
		t.Fatal(err)
	}
	// A creation reverts to archived, and that revert back to live.
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "contact.create")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ContactForEdit(ctx, f.officer, f.agency, c.ID); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("created contact not archived by the revert: %v", err)
	}
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "contact.create")); err == nil {
		t.Error("reverted a creation twice")
	}
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "contact.revert")); err != nil {
		t.Fatal(err)
	}
	c, err = f.store.ContactForEdit(ctx, f.officer, f.agency, c.ID)
	if err != nil {
		t.Fatalf("contact not back: %v", err)
	}

	// Phones and the rest of an edit come back as they were.
	in := c.ContactInput
	in.Phones = []directory.Phone{{Label: "Mobile", Number: "07700 900 123"}, {Label: "Desk", Number: "01632 960 778"}}
	in.Hours = "Evenings"
	edited, err := f.store.UpdateContact(ctx, f.officer, f.agency, c.ID, in, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "contact.update")); err != nil {
		t.Fatal(err)
	}
	back, _ := f.store.ContactForEdit(ctx, f.officer, f.agency, c.ID)
	if back.Hours != c.Hours || len(back.Phones) != 1 || back.Phones[0].Number != "01632960777" || back.Version != edited.Version+1 {
		t.Errorf("contact after revert: %+v", back)
	}

	// An archive reverts to restored; not once it is restored already.
	if err := f.store.ArchiveContact(ctx, f.officer, f.agency, c.ID, back.Version); err != nil {
		t.Fatal(err)
	}
	archived := f.lastEvent(t, "contact.archive")
	if _, err := f.trail.Revert(ctx, f.admin, archived); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ContactForEdit(ctx, f.officer, f.agency, c.ID); err != nil {
		t.Errorf("archived contact not restored: %v", err)
	}
	// Asked again (a second click, a reloaded form), the same revert changes nothing more: it
	// is already reverted, and says by which event.
	var versionNow int
	f.db.QueryRow(ctx, `SELECT version FROM contacts WHERE id = $1`, c.ID).Scan(&versionNow)
	_, err = f.trail.Revert(ctx, f.admin, archived)
	var refused *audit.RevertRefused
	if !errors.As(err, &refused) || refused.Message != audit.AlreadyReverted || refused.RevertedBy != f.lastEvent(t, "contact.revert") {
		t.Errorf("second revert of one archive: %v", err)
	}
	var versionAfter int
	f.db.QueryRow(ctx, `SELECT version FROM contacts WHERE id = $1`, c.ID).Scan(&versionAfter)
	if versionAfter != versionNow {
		t.Errorf("a repeated revert wrote: version %d -> %d", versionNow, versionAfter)
	}
	// The revert itself can be undone, once, as its own event: the contact is archived again.
	undo, err := f.trail.Revert(ctx, f.admin, refused.RevertedBy)
	if err != nil || undo.EventID == 0 {
		t.Fatalf("undo the revert: %+v %v", undo, err)
	}
	if _, err := f.store.ContactForEdit(ctx, f.officer, f.agency, c.ID); err == nil {
		t.Error("undoing the restore left the contact in the directory")
	}
	if _, err := f.trail.Revert(ctx, f.admin, refused.RevertedBy); !errors.As(err, &refused) || refused.Message != audit.AlreadyReverted {
		t.Errorf("second undo of one revert: %v", err)
	}
}

func TestRevertChampionAreasAndAccounts(t *testing.T) {
	t.Parallel()
	f := newRevertFixture(t)
	ctx := context.Background()
	var champID int64
	f.db.QueryRow(ctx, `INSERT INTO users (email, name, role, contact_id) VALUES ('cam@example.org', 'Cam', 'champion',
		(SELECT id FROM contacts WHERE kind = 'champion' ORDER BY id LIMIT 1)) RETURNING id`).Scan(&champID)
	champ := access.Viewer{UserID: champID, Role: access.Champion}
	entry, err := f.store.OwnChampionEntry(ctx, champ)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.UpdateOwnChampion(ctx, champ, directory.ChampionInput{Version: entry.Version, Phones: entry.Phones,
		Hours: "Changed hours", Email: entry.Email, Areas: []string{"wishaw", "shotts"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "contact.update")); err != nil {
		t.Fatal(err)
	}
	back, _ := f.store.OwnChampionEntry(ctx, champ)
	if back.Hours != entry.Hours || !slices.Equal(back.AreaSlugs(), entry.AreaSlugs()) {
		t.Errorf("champion entry after revert: %q %v, want %q %v", back.Hours, back.AreaSlugs(), entry.Hours, entry.AreaSlugs())
	}

	// An account's role change reverts, and the account's sessions end again.
	a, err := f.users.Get(ctx, f.admin, champID)
	if err != nil {
		t.Fatal(err)
	}
	changed, err := f.users.Update(ctx, f.admin, champID, accounts.Input{Role: "rsl_officer", Org: itoa(f.agency)}, a.Version)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "user.update")); err != nil {
		t.Fatal(err)
	}
	now, _ := f.users.Get(ctx, f.admin, champID)
	if now.Role != access.Champion || now.AgencyID != 0 || now.ContactID != a.ContactID || now.Epoch != changed.Epoch+1 {
		t.Errorf("account after revert: %+v", now)
	}

	// Reverting the only admin's promotion would leave no admin: refused.
	var ann accounts.Account
	if ann, err = f.users.Get(ctx, f.admin, f.admin.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(ctx, `INSERT INTO audit_events (action, entity_type, entity_id, before, after)
		VALUES ('user.update', 'user', $1, '{"role": "housing_staff"}', '{"role": "admin"}')`, ann.ID); err != nil {
		t.Fatal(err)
	}
	var refused *audit.RevertRefused
	if _, err := f.trail.Revert(ctx, f.admin, f.lastEvent(t, "user.update")); !errors.As(err, &refused) || !strings.Contains(refused.Message, "administrator") {
		t.Errorf("left no admin: %v", err)
	}
	if now, _ := f.users.Get(ctx, f.admin, ann.ID); now.Role != access.Admin || now.Version != ann.Version {
		t.Errorf("refused revert changed the admin: %+v", now)
	}
}

func TestRevertRefusesWhatItCannotUndo(t *testing.T) {
	t.Parallel()
	f := newRevertFixture(t)
	ctx := context.Background()
	insert := func(action, entityType string, entityID int64, before, after any) int64 {
		t.Helper()
		b, _ := json.Marshal(before)
		a, _ := json.Marshal(after)
		var id int64
		if err := f.db.QueryRow(ctx, `INSERT INTO audit_events (action, entity_type, entity_id, agency_id, before, after)
			VALUES ($1, $2, $3, $4, nullif($5, 'null')::jsonb, nullif($6, 'null')::jsonb) RETURNING id`,
			action, entityType, entityID, f.agency, string(b), string(a)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	cur := f.agencyNow(t)
	var refused *audit.RevertRefused
	for name, id := range map[string]int64{
		"sign-in":          insert("auth.sign_in", "user", f.officer.UserID, nil, nil),
		"unknown entity":   insert("course.update", "course", 1, map[string]any{"title": "a"}, map[string]any{"title": "b"}),
		"confirm only":     insert("agency.confirm", "agency", f.agency, map[string]any{"version": 1, "summary": cur.Summary}, map[string]any{"version": 2, "summary": cur.Summary}),
		"user created":     insert("user.create", "user", f.officer.UserID, nil, map[string]any{"role": "rsl_officer"}),
		"term gone":        insert("agency.update", "agency", f.agency, map[string]any{"areas": []string{"atlantis"}}, map[string]any{"areas": cur.Areas}),
		"row gone":         insert("agency.update", "agency", 99999999, map[string]any{"summary": "a"}, map[string]any{"summary": "b"}),
		"rule of table":    insert("agency.update", "agency", f.agency, map[string]any{"kind": "spaceship"}, map[string]any{"kind": string(cur.Kind)}),
		"value not stored": insert("agency.update", "agency", f.agency, map[string]any{"summary": nil}, map[string]any{"summary": cur.Summary}),
	} {
		n := f.events(t)
		if _, err := f.trail.Revert(ctx, f.admin, id); !errors.As(err, &refused) {
			t.Errorf("%s: err %v, want a refusal", name, err)
		}
		if now := f.agencyNow(t); now.Version != cur.Version || f.events(t) != n {
			t.Errorf("%s: a refused revert wrote something", name)
		}
	}
	if _, err := f.trail.Revert(ctx, f.admin, 99999999); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("no event: %v", err)
	}
	// Only admins revert.
	event := insert("agency.update", "agency", f.agency, map[string]any{"summary": "x"}, map[string]any{"summary": cur.Summary})
	for _, v := range []access.Viewer{access.Public, f.officer, {UserID: f.officer.UserID, Role: access.HousingStaff}, {Role: access.Admin}} {
		if _, err := f.trail.Revert(ctx, v, event); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%+v: %v", v, err)
		}
	}

	// An agency archived by an admin reverts to restored; a restore, to archived.
	if _, err := f.db.Exec(ctx, `UPDATE agencies SET archived_at = now(), version = version + 1 WHERE id = $1`, f.agency); err != nil {
		t.Fatal(err)
	}
	archived := insert("agency.archive", "agency", f.agency, map[string]any{"archived_at": nil}, map[string]any{"archived_at": "2026-01-01T00:00:00Z"})
	if _, err := f.trail.Revert(ctx, f.admin, archived); err != nil {
		t.Fatal(err)
	}
	var isArchived bool
	f.db.QueryRow(ctx, `SELECT archived_at IS NOT NULL FROM agencies WHERE id = $1`, f.agency).Scan(&isArchived)
	if isArchived {
		t.Error("archived agency not restored")
	}
	restored := insert("agency.restore", "agency", f.agency, map[string]any{"archived_at": "2026-01-01T00:00:00Z"}, map[string]any{"archived_at": nil})
	if _, err := f.trail.Revert(ctx, f.admin, restored); err != nil {
		t.Fatal(err)
	}
	f.db.QueryRow(ctx, `SELECT archived_at IS NOT NULL FROM agencies WHERE id = $1`, f.agency).Scan(&isArchived)
	if !isArchived {
		t.Error("restored agency not archived again")
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
