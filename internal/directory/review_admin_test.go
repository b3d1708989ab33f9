package directory_test

import (
	"context"
	"errors"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

func TestAdminChangesSinceLastLook(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	other := editViewer(t, pool, access.Admin, "")
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")

	first, err := s.ChangesSinceLastLook(ctx, admin, 50)
	if err != nil || first.Since != nil || first.Total != 0 {
		t.Fatalf("first look: %v %+v", err, first)
	}

	// An officer's change is new to both admins; an admin's own change is not listed.
	a, err := s.AgencyForEdit(ctx, officer, officer.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	in := a.AgencyInput
	in.Summary = "Officer's new summary."
	if _, err := s.UpdateAgency(ctx, officer, a.ID, in, a.Version); err != nil {
		t.Fatal(err)
	}
	adm := admFor(t, s, admin, "aura")
	ain := adm.AdminAgencyInput
	ain.Name = "Aura (renamed)"
	if _, err := s.UpdateAgencyAdmin(ctx, admin, adm.ID, ain, adm.Version); err != nil {
		t.Fatal(err)
	}
	exec(t, pool, `INSERT INTO audit_events (actor_id, action, entity_type, entity_id) VALUES ($1, 'auth.sign_in', 'user', $1)`, officer.UserID)

	second, err := s.ChangesSinceLastLook(ctx, admin, 50)
	if err != nil {
		t.Fatal(err)
	}
	if second.Since == nil || second.Total != 1 || second.Changes[0].Action != "agency.update" || second.Changes[0].AgencySlug != "link-group" {
		t.Errorf("second look: %+v", second)
	}
	// Looked at once, they are not new again for this admin, but still are for the other.
	third, err := s.ChangesSinceLastLook(ctx, admin, 50)
	if err != nil || third.Total != 0 || third.Since == nil {
		t.Errorf("third look: %v %+v", err, third)
	}
	otherLook, err := s.ChangesSinceLastLook(ctx, other, 50)
	if err != nil || otherLook.Total != 1 {
		t.Errorf("other admin: %v %+v", err, otherLook)
	}
	if _, err := s.ChangesSinceLastLook(ctx, officer, 50); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer: %v", err)
	}
}

func TestAdminCurationCounts(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	editViewer(t, pool, access.RSLOfficer, "link-group")
	exec(t, pool, `UPDATE agencies SET archived_at = now() WHERE slug = 'aura'`)
	exec(t, pool, `UPDATE agencies SET review_due = current_date - 1 WHERE slug IN ('assist', 'galop')`)
	exec(t, pool, `UPDATE contacts SET review_due = current_date - 1 WHERE id = (SELECT min(c.id) FROM contacts c
		JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'link-group')`)

	c, err := s.CurationCounts(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var public, staff, contacts int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE visibility = 'public' AND archived_at IS NULL),
		count(*) FILTER (WHERE visibility = 'staff' AND archived_at IS NULL),
		(SELECT count(*) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE c.archived_at IS NULL AND a.archived_at IS NULL)
		FROM agencies`).Scan(&public, &staff, &contacts); err != nil {
		t.Fatal(err)
	}
	if c.AgenciesPublic != public || c.AgenciesStaff != staff || c.AgenciesArchived != 1 {
		t.Errorf("agencies %+v, want %d public %d staff", c, public, staff)
	}
	if c.ContactsPublic+c.ContactsStaff != contacts || c.ContactsArchived == 0 {
		t.Errorf("contacts %+v, want %d live", c, contacts)
	}
	if c.OverdueAgencies != 2 || c.OverdueContacts != 1 {
		t.Errorf("overdue %d agencies %d contacts", c.OverdueAgencies, c.OverdueContacts)
	}
	if c.UsersByRole[access.Admin] != 1 || c.UsersByRole[access.RSLOfficer] != 1 {
		t.Errorf("users %v", c.UsersByRole)
	}
	if _, err := s.CurationCounts(ctx, access.Public); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("public counts: %v", err)
	}
	// The dashboard's overdue list agrees.
	overdue, total, err := s.OverdueReviews(ctx, admin, 10)
	if err != nil || total != 3 || len(overdue) != 3 {
		t.Errorf("overdue list: %v %d", err, total)
	}
}
