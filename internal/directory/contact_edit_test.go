package directory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

func contactTitles(a directory.Agency) []string {
	var out []string
	for _, c := range a.Contacts {
		out = append(out, c.RoleTitle)
	}
	return out
}

// contactOf returns the id of the agency's contact with title.
func contactOf(t *testing.T, pool *pgxpool.Pool, slug, title string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.slug = $1 AND c.role_title = $2`, slug, title).Scan(&id)
	if err != nil {
		t.Fatalf("contact %q of %s: %v", title, slug, err)
	}
	return id
}

func TestCreateContactKeepsStaffOnlyFromThePublic(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	c, err := s.CreateContact(ctx, v, v.AgencyID, directory.ContactInput{
		RoleTitle: "  Safer homes officer ",
		Phones:    []directory.Phone{{Label: "Direct line", Number: "0141 496 0388"}, {}, {Label: "", Number: "+44 141 496 0389"}},
		Kind:      "referral_point", Visibility: "staff",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.RoleTitle != "Safer homes officer" || len(c.Phones) != 2 || c.Phones[0].Number != "01414960388" || c.Phones[1].Number != "01414960389" || c.Version != 1 {
		t.Errorf("created %+v", c)
	}
	pub, _ := s.Agency(ctx, access.Public, "link-group")
	if slices.Contains(contactTitles(pub), "Safer homes officer") {
		t.Error("staff-only contact shown to the public")
	}
	staffView, _ := s.Agency(ctx, staff, "link-group")
	if !slices.Contains(contactTitles(staffView), "Safer homes officer") {
		t.Errorf("staff do not see the new contact: %v", contactTitles(staffView))
	}
	var after map[string]any
	pool.QueryRow(ctx, `SELECT after FROM audit_events WHERE action = 'contact.create' AND entity_id = $1 AND agency_id = $2 AND before IS NULL`,
		c.ID, v.AgencyID).Scan(&after)
	if after["role_title"] != "Safer homes officer" || after["visibility"] != "staff" {
		t.Errorf("audit after %v", after)
	}
	// Another organisation's id, passed by mistake or on purpose, makes nothing.
	other := editAgencyID(t, pool, "clyde-valley-housing-association")
	if _, err := s.CreateContact(ctx, v, other, directory.ContactInput{RoleTitle: "Planted", Kind: "general", Visibility: "public"}); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("create in another organisation: %v", err)
	}
}

func TestContactOfAnotherOrganisationIsNotFound(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	other := contactOf(t, pool, "clyde-valley-housing-association", "Domestic abuse lead officer")
	otherAgency := editAgencyID(t, pool, "clyde-valley-housing-association")
	in := directory.ContactInput{RoleTitle: "Hijacked", Kind: "general", Visibility: "public"}
	// Whether the officer names their own agency or the contact's, the contact is not theirs.
	for _, agency := range []int64{v.AgencyID, otherAgency} {
		if _, err := s.ContactForEdit(ctx, v, agency, other); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("read via agency %d: %v", agency, err)
		}
		if _, err := s.UpdateContact(ctx, v, agency, other, in, 1); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("update via agency %d: %v", agency, err)
		}
		if err := s.ArchiveContact(ctx, v, agency, other, 1); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("archive via agency %d: %v", agency, err)
		}
	}
	var title string
	var archived bool
	pool.QueryRow(ctx, `SELECT role_title, archived_at IS NOT NULL FROM contacts WHERE id = $1`, other).Scan(&title, &archived)
	if title != "Domestic abuse lead officer" || archived {
		t.Errorf("another organisation's contact changed: %q archived=%v", title, archived)
	}
	if _, err := s.ContactForEdit(ctx, v, v.AgencyID, 0); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("id 0: %v", err)
	}
}

func TestUpdateAndArchiveContact(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	id := contactOf(t, pool, "link-group", "Tenancy sustainment team")
	c, err := s.ContactForEdit(ctx, v, v.AgencyID, id)
	if err != nil {
		t.Fatal(err)
	}
	in := c.ContactInput
	in.Hours = "Monday to Thursday, 9am to 4pm"
	in.Phones = append(in.Phones, directory.Phone{Label: "Out of hours", Number: "0141 496 0390"})
	got, err := s.UpdateContact(ctx, v, v.AgencyID, id, in, c.Version)
	if err != nil || got.Version != c.Version+1 || got.Hours != in.Hours || len(got.Phones) != 2 {
		t.Fatalf("update: %+v %v", got, err)
	}
	// Someone who opened the form before that save is refused and sees the saved contact.
	stale := c.ContactInput
	stale.Notes = "Mine"
	_, err = s.UpdateContact(ctx, v, v.AgencyID, id, stale, c.Version)
	var conflict *edit.ConflictError[directory.ContactEdit]
	if !errors.As(err, &conflict) || conflict.Current.Hours != in.Hours {
		t.Fatalf("stale update: %v", err)
	}
	merged, changes := directory.ContactForm().Merge(&c.ContactInput, conflict.Current.ContactInput, stale)
	if merged.Notes != "Mine" || merged.Hours != in.Hours || len(changes) != 2 || changes[0].Field != "phones" || changes[1].Field != "hours" {
		t.Errorf("merge: %+v %+v", merged, changes)
	}
	if err := s.ArchiveContact(ctx, v, v.AgencyID, id, c.Version); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale archive: %v", err)
	}
	if err := s.ArchiveContact(ctx, v, v.AgencyID, id, got.Version); err != nil {
		t.Fatal(err)
	}
	pub, _ := s.Agency(ctx, staff, "link-group")
	if slices.Contains(contactTitles(pub), "Tenancy sustainment team") {
		t.Error("archived contact still shown")
	}
	if _, err := s.ContactForEdit(ctx, v, v.AgencyID, id); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("archived contact still editable: %v", err)
	}
	for _, action := range []string{"contact.update", "contact.archive"} {
		if n := auditCount(t, pool, action, id); n != 1 {
			t.Errorf("%s: %d events", action, n)
		}
	}
	var after map[string]any
	pool.QueryRow(ctx, `SELECT after FROM audit_events WHERE action = 'contact.archive' AND entity_id = $1`, id).Scan(&after)
	if after["archived_at"] == nil {
		t.Errorf("archive audit after %v", after)
	}
}

func TestContactValidation(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	v := editViewer(t, pool, access.RSLOfficer, "link-group")
	ok := directory.ContactInput{RoleTitle: "Duty line", Kind: "general", Visibility: "public"}
	six := make([]directory.Phone, 6)
	for i := range six {
		six[i] = directory.Phone{Number: "0141 496 030" + string(rune('0'+i))}
	}
	for name, tc := range map[string]struct {
		edit  func(*directory.ContactInput)
		field string
	}{
		"no role title":      {func(c *directory.ContactInput) { c.RoleTitle = "  " }, "role_title"},
		"long role title":    {func(c *directory.ContactInput) { c.RoleTitle = strings.Repeat("a", 201) }, "role_title"},
		"long name":          {func(c *directory.ContactInput) { c.PersonName = strings.Repeat("a", 121) }, "person_name"},
		"long hours":         {func(c *directory.ContactInput) { c.Hours = strings.Repeat("a", 301) }, "hours"},
		"long notes":         {func(c *directory.ContactInput) { c.Notes = strings.Repeat("a", 1001) }, "notes"},
		"invalid utf-8":      {func(c *directory.ContactInput) { c.Notes = "\xc3\x28" }, "notes"},
		"bad phone":          {func(c *directory.ContactInput) { c.Phones = []directory.Phone{{}, {Label: "Main", Number: "phone me"}} }, "phone_number_1"},
		"label, no number":   {func(c *directory.ContactInput) { c.Phones = []directory.Phone{{Label: "Main"}} }, "phone_number_0"},
		"six phones":         {func(c *directory.ContactInput) { c.Phones = six }, "phones"},
		"bad email":          {func(c *directory.ContactInput) { c.Email = "duty@" }, "email"},
		"champion by an rsl": {func(c *directory.ContactInput) { c.Kind = "champion" }, "kind"},
		"unknown kind":       {func(c *directory.ContactInput) { c.Kind = "boss" }, "kind"},
		"no visibility":      {func(c *directory.ContactInput) { c.Visibility = "" }, "visibility"},
		"hidden visibility":  {func(c *directory.ContactInput) { c.Visibility = "secret" }, "visibility"},
	} {
		in := ok
		tc.edit(&in)
		_, err := s.CreateContact(ctx, v, v.AgencyID, in)
		var errs validate.Errors
		if !errors.As(err, &errs) || !errs.Has(tc.field) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var n, events int
	pool.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE agency_id = $1`, v.AgencyID).Scan(&n)
	pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE agency_id = $1`, v.AgencyID).Scan(&events)
	if n != 3 || events != 0 {
		t.Errorf("bad input stored: %d contacts, %d audit events", n, events)
	}
}
