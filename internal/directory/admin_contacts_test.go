package directory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

func admContactInput(title string) directory.AdminContactInput {
	in := directory.NewContactInput(time.Now())
	in.RoleTitle = title
	in.Phones = []directory.Phone{{Label: "Direct line", Number: "0141 496 0555"}, {}}
	return in
}

func TestAdminCreateAndUpdateContact(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	agency := editAgencyID(t, pool, "link-group")

	in := admContactInput("Housing Domestic Abuse Champion – Shotts")
	in.Kind = "champion"
	in.IsKey, in.KeyOrder = true, " 1 "
	in.Areas = []string{"shotts", "wishaw", "shotts"}
	c, err := s.CreateContactAdmin(ctx, admin, agency, in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != "champion" || !c.IsKey || c.KeyOrder != "1" || !slices.Equal(c.Areas, []string{"shotts", "wishaw"}) ||
		len(c.Phones) != 1 || c.Phones[0].Number != "01414960555" || c.ReviewedAt == nil {
		t.Errorf("created %+v", c)
	}
	key, err := s.KeyContacts(ctx, access.Public)
	if err != nil || !slices.ContainsFunc(key, func(k directory.Contact) bool { return k.ID == c.ID }) {
		t.Errorf("key contact not on /contacts: %v", err)
	}
	if auditCount(t, pool, "contact.create", c.ID) != 1 {
		t.Error("create not audited")
	}

	in = c.AdminContactInput
	in.IsKey = false
	in.Visibility = "staff"
	in.Areas = []string{"motherwell"}
	updated, err := s.UpdateContactAdmin(ctx, admin, agency, c.ID, in, c.Version)
	if err != nil {
		t.Fatal(err)
	}
	if updated.IsKey || !updated.StaffOnly() || !slices.Equal(updated.Areas, []string{"motherwell"}) || updated.Version != c.Version+1 {
		t.Errorf("updated %+v", updated)
	}
	pub, err := s.Agency(ctx, access.Public, "link-group")
	if err != nil || slices.ContainsFunc(pub.Contacts, func(x directory.Contact) bool { return x.ID == c.ID }) {
		t.Errorf("staff-only contact shown to the public: %v", err)
	}
	_, before, after := admLastAudit(t, pool, "contact.update", c.ID)
	if before["is_key"] != true || after["is_key"] != false || after["visibility"] != "staff" {
		t.Errorf("audit before %v after %v", before, after)
	}

	// A stale form is refused and nothing is written.
	in.Notes = "Late change"
	if _, err := s.UpdateContactAdmin(ctx, admin, agency, c.ID, in, c.Version); !errors.As(err, new(*edit.ConflictError[directory.AdminContact])) {
		t.Errorf("stale update: %v", err)
	}
	// Bad input is refused field by field.
	in.Notes, in.KeyOrder, in.Areas, in.Kind = "", "first", []string{"atlantis"}, "nobody"
	_, err = s.UpdateContactAdmin(ctx, admin, agency, c.ID, in, updated.Version)
	var errs validate.Errors
	if !errors.As(err, &errs) || !errs.Has("key_order") || !errs.Has("areas") || !errs.Has("kind") {
		t.Errorf("bad input: %v", err)
	}
}

func TestAdminContactOfAnotherAgencyIsNotFound(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	link := editAgencyID(t, pool, "link-group")
	other := editAgencyID(t, pool, "clyde-valley-housing-association")
	var otherContact int64
	if err := pool.QueryRow(ctx, `SELECT min(id) FROM contacts WHERE agency_id = $1`, other).Scan(&otherContact); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdminContact(ctx, admin, link, otherContact); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("read through another agency: %v", err)
	}
	if _, err := s.UpdateContactAdmin(ctx, admin, link, otherContact, admContactInput("X"), 1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("update through another agency: %v", err)
	}
	if _, err := s.RestoreContact(ctx, admin, link, otherContact, 1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("restore through another agency: %v", err)
	}
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")
	if _, err := s.AdminContact(ctx, officer, link, otherContact); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer reads through the admin call: %v", err)
	}
	if _, err := s.CreateContactAdmin(ctx, officer, link, admContactInput("X")); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer creates through the admin call: %v", err)
	}
}

func TestAdminArchiveAndRestoreContact(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	agency := editAgencyID(t, pool, "link-group")
	c, err := s.CreateContactAdmin(ctx, admin, agency, admContactInput("Evening line"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ArchiveContact(ctx, admin, agency, c.ID, c.Version); err != nil {
		t.Fatal(err)
	}
	archived, err := s.AdminContact(ctx, admin, agency, c.ID)
	if err != nil || !archived.Archived() {
		t.Fatalf("archived: %v %+v", err, archived)
	}
	pub, _ := s.Agency(ctx, access.Public, "link-group")
	if slices.ContainsFunc(pub.Contacts, func(x directory.Contact) bool { return x.ID == c.ID }) {
		t.Error("archived contact still public")
	}
	if _, err := s.UpdateContactAdmin(ctx, admin, agency, c.ID, archived.AdminContactInput, archived.Version); !errors.Is(err, directory.ErrArchived) {
		t.Errorf("edit of archived contact: %v", err)
	}
	a := admFor(t, s, admin, "link-group")
	if last := a.Contacts[len(a.Contacts)-1]; last.ID != c.ID || !last.Archived() {
		t.Errorf("admin's page does not list the archived contact last: %+v", a.Contacts)
	}
	if _, err := s.RestoreContact(ctx, admin, agency, c.ID, archived.Version-1); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale restore: %v", err)
	}
	restored, err := s.RestoreContact(ctx, admin, agency, c.ID, archived.Version)
	if err != nil || restored.Archived() {
		t.Fatalf("restore: %v", err)
	}
	pub, _ = s.Agency(ctx, access.Public, "link-group")
	if !slices.ContainsFunc(pub.Contacts, func(x directory.Contact) bool { return x.ID == c.ID }) {
		t.Error("restored contact not public")
	}
	if auditCount(t, pool, "contact.restore", c.ID) != 1 {
		t.Error("restore not audited")
	}

	// Contacts of an archived agency are frozen until it comes back.
	if _, err := s.ArchiveAgency(ctx, admin, a.ID, a.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateContactAdmin(ctx, admin, agency, admContactInput("Another")); !errors.Is(err, directory.ErrArchived) {
		t.Errorf("contact added to archived agency: %v", err)
	}
}
