package directory_test

import (
	"context"
	"errors"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// TestAdminUnseenChanges: an officer's change stays on each admin's dashboard, however often
// they open it, until that admin marks it seen; marking covers only what was listed, so a
// change made meanwhile stays; a change older than UnseenKeptFor drops off.
func TestAdminUnseenChanges(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	other := editViewer(t, pool, access.Admin, "")
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")

	first, err := s.UnseenChanges(ctx, admin, 50)
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

	for look := range 2 { // opening the dashboard again does not make them vanish
		got, err := s.UnseenChanges(ctx, admin, 50)
		if err != nil || got.Total != 1 || got.Changes[0].Action != "agency.update" || got.Changes[0].AgencySlug != "link-group" || got.Upto == 0 {
			t.Fatalf("look %d: %v %+v", look, err, got)
		}
	}
	listed, _ := s.UnseenChanges(ctx, admin, 50)

	// A change made while the page was open is not covered by marking what was listed.
	in.Summary = "Officer's second summary."
	a, _ = s.AgencyForEdit(ctx, officer, officer.AgencyID)
	if _, err := s.UpdateAgency(ctx, officer, a.ID, in, a.Version); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkChangesSeen(ctx, admin, listed.Upto); err != nil {
		t.Fatal(err)
	}
	after, err := s.UnseenChanges(ctx, admin, 50)
	if err != nil || after.Total != 1 || after.Since == nil {
		t.Errorf("after marking seen: %v %+v, want only the change made meanwhile", err, after)
	}
	// Marking never moves back, nor past the newest event.
	if err := s.MarkChangesSeen(ctx, admin, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkChangesSeen(ctx, admin, 1<<62); err != nil {
		t.Fatal(err)
	}
	var mark, newest int64
	if err := pool.QueryRow(ctx, `SELECT last_seen_audit_id, (SELECT max(id) FROM audit_events) FROM admin_views WHERE user_id = $1`, admin.UserID).Scan(&mark, &newest); err != nil || mark != newest {
		t.Errorf("mark %d, newest event %d (%v)", mark, newest, err)
	}

	otherLook, err := s.UnseenChanges(ctx, other, 50)
	if err != nil || otherLook.Total != 2 {
		t.Errorf("other admin: %v %+v", err, otherLook)
	}
	// Older than the period kept: gone from the dashboard, still in the audit trail.
	exec(t, pool, `UPDATE audit_events SET occurred_at = now() - interval '31 days'`)
	if old, err := s.UnseenChanges(ctx, other, 50); err != nil || old.Total != 0 {
		t.Errorf("changes older than the period kept: %v %+v", err, old)
	}
	if _, err := s.UnseenChanges(ctx, officer, 50); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer: %v", err)
	}
	if err := s.MarkChangesSeen(ctx, officer, 1); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer marking seen: %v", err)
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
