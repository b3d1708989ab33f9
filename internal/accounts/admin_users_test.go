package accounts_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
)

func (f fixture) agencyID(t *testing.T, slug string) int64 {
	t.Helper()
	var id int64
	if err := f.db.QueryRow(context.Background(), `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestInviteValidates(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	org := itoa(f.agencyID(t, "clyde-valley-housing-association"))
	var champion, generalContact int64
	f.db.QueryRow(ctx, `SELECT min(id) FILTER (WHERE kind = 'champion'), min(id) FILTER (WHERE kind = 'general') FROM contacts`).Scan(&champion, &generalContact)
	f.invite(t, "taken@example.org", access.HousingStaff, "")
	for name, c := range map[string]struct {
		in     accounts.Input
		fields []string
	}{
		"empty":                  {accounts.Input{}, []string{"email", "name", "role"}},
		"bad email":              {accounts.Input{Email: "not an address", Name: "X", Role: "admin"}, []string{"email"}},
		"email taken, any case":  {accounts.Input{Email: "Taken@Example.org", Name: "X", Role: "admin"}, []string{"email"}},
		"unknown role":           {accounts.Input{Email: "a@example.org", Name: "X", Role: "superuser"}, []string{"role"}},
		"officer without org":    {accounts.Input{Email: "a@example.org", Name: "X", Role: "rsl_officer"}, []string{"organisation"}},
		"staff with an org":      {accounts.Input{Email: "a@example.org", Name: "X", Role: "housing_staff", Org: org}, []string{"organisation"}},
		"unknown org":            {accounts.Input{Email: "a@example.org", Name: "X", Role: "rsl_officer", Org: "999999"}, []string{"organisation"}},
		"org not a number":       {accounts.Input{Email: "a@example.org", Name: "X", Role: "rsl_officer", Org: "abc"}, []string{"organisation"}},
		"entry for non-champion": {accounts.Input{Email: "a@example.org", Name: "X", Role: "admin", Champion: itoa(champion)}, []string{"champion_entry"}},
		"entry not a champion":   {accounts.Input{Email: "a@example.org", Name: "X", Role: "champion", Champion: itoa(generalContact)}, []string{"champion_entry"}},
		"name with NUL":          {accounts.Input{Email: "a@example.org", Name: "X\x00Y", Role: "admin"}, []string{"name"}},
		"name too long":          {accounts.Input{Email: "a@example.org", Name: strings.Repeat("n", 121), Role: "admin"}, []string{"name"}},
		"bad UTF-8 email":        {accounts.Input{Email: "a\xff@example.org", Name: "X", Role: "admin"}, []string{"email"}},
	} {
		_, err := f.auth.Invite(ctx, f.admin, c.in)
		var errs validate.Errors
		if !errors.As(err, &errs) {
			t.Errorf("%s: err %v, want field errors", name, err)
			continue
		}
		for _, field := range c.fields {
			if !errs.Has(field) {
				t.Errorf("%s: no error on %s: %v", name, field, errs)
			}
		}
		if len(errs) != len(c.fields) {
			t.Errorf("%s: errors %v, want only %v", name, errs, c.fields)
		}
	}
	inv, err := f.auth.Invite(ctx, f.admin, accounts.Input{Email: "officer@example.org", Name: "Olu Officer", Role: "rsl_officer", Org: org})
	if err != nil || inv.Account.AgencySlug != "clyde-valley-housing-association" || inv.Account.Role != access.RSLOfficer {
		t.Fatalf("officer: %+v %v", inv.Account, err)
	}
	inv, err = f.auth.Invite(ctx, f.admin, accounts.Input{Email: "champ@example.org", Name: "Cal Champion", Role: "champion", Champion: itoa(champion)})
	if err != nil || inv.Account.ContactID != champion {
		t.Fatalf("champion: %+v %v", inv.Account, err)
	}
	var n int
	f.db.QueryRow(ctx, `SELECT count(*) FROM users WHERE email LIKE 'a@%'`).Scan(&n)
	if n != 0 {
		t.Error("a refused invitation created an account")
	}
}

func TestUpdateEndsSessionsOnRoleOrOrganisationChangeAndChecksVersion(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	inv := f.invite(t, "staff@example.org", access.HousingStaff, "")
	a := inv.Account
	var champion int64
	f.db.QueryRow(ctx, `SELECT min(id) FROM contacts WHERE kind = 'champion'`).Scan(&champion)

	b, err := f.auth.Update(ctx, f.admin, a.ID, accounts.Input{Role: "champion"}, a.Version)
	if err != nil || b.Role != access.Champion || b.Epoch != a.Epoch+1 || b.Version != a.Version+1 {
		t.Fatalf("role change: %+v %v", b, err)
	}
	// Linking the champion entry changes no rights over the rest of the site: sessions stay.
	c, err := f.auth.Update(ctx, f.admin, a.ID, accounts.Input{Role: "champion", Champion: itoa(champion)}, b.Version)
	if err != nil || c.ContactID != champion || c.Epoch != b.Epoch {
		t.Fatalf("entry change: %+v %v", c, err)
	}
	// The same values again: nothing written.
	same, err := f.auth.Update(ctx, f.admin, a.ID, accounts.Input{Role: "champion", Champion: itoa(champion)}, c.Version)
	if err != nil || same.Version != c.Version {
		t.Errorf("no change: %+v %v", same, err)
	}
	// A stale version is refused with the account as it is now.
	_, err = f.auth.Update(ctx, f.admin, a.ID, accounts.Input{Role: "housing_staff"}, a.Version)
	var conflict *edit.ConflictError[accounts.Account]
	if !errors.As(err, &conflict) || conflict.Current.Version != c.Version || conflict.Current.Role != access.Champion {
		t.Fatalf("stale: %v", err)
	}
	org := f.agencyID(t, "clyde-valley-housing-association")
	d, err := f.auth.Update(ctx, f.admin, a.ID, accounts.Input{Role: "rsl_officer", Org: itoa(org)}, c.Version)
	if err != nil || d.AgencyID != org || d.Epoch != c.Epoch+1 {
		t.Fatalf("to officer: %+v %v", d, err)
	}
	other := f.agencyID(t, "link-group")
	e, err := f.auth.Update(ctx, f.admin, a.ID, accounts.Input{Role: "rsl_officer", Org: itoa(other)}, d.Version)
	if err != nil || e.AgencyID != other || e.Epoch != d.Epoch+1 {
		t.Fatalf("organisation change: %+v %v", e, err)
	}
	// Each change is audited with readable before and after, and no secret.
	var before, after string
	f.db.QueryRow(ctx, `SELECT before::text, after::text FROM audit_events WHERE action = 'user.update' AND entity_id = $1
		ORDER BY id DESC LIMIT 1`, a.ID).Scan(&before, &after)
	if !strings.Contains(before, `"organisation": "clyde-valley-housing-association"`) || !strings.Contains(after, `"organisation": "link-group"`) ||
		strings.Contains(before+after, "password") || strings.Contains(before+after, "hash") {
		t.Errorf("audit before %s after %s", before, after)
	}
}

func TestSetActiveAndTheLastAdmin(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	me, _ := f.auth.Get(ctx, f.admin, f.admin.UserID)
	var refused *accounts.RefusedError
	if _, err := f.auth.SetActive(ctx, f.admin, me.ID, false, me.Version); !errors.As(err, &refused) {
		t.Errorf("deactivate self: %v", err)
	}
	if _, err := f.auth.Update(ctx, f.admin, me.ID, accounts.Input{Role: "housing_staff"}, me.Version); !errors.As(err, &refused) {
		t.Errorf("demote the only admin: %v", err)
	}
	inv := f.invite(t, "second@example.org", access.Admin, "")
	// With a second admin, demoting oneself is allowed.
	if _, err := f.auth.Update(ctx, f.admin, me.ID, accounts.Input{Role: "housing_staff"}, me.Version); err != nil {
		t.Errorf("demote self with another admin: %v", err)
	}
	second := access.Viewer{UserID: inv.Account.ID, Role: access.Admin}
	a := inv.Account
	off, err := f.auth.SetActive(ctx, f.admin, a.ID, false, a.Version)
	if err == nil {
		t.Fatalf("deactivated the last active admin: %+v", off)
	}
	staff := f.invite(t, "staff2@example.org", access.HousingStaff, "")
	off, err = f.auth.SetActive(ctx, second, staff.Account.ID, false, staff.Account.Version)
	if err != nil || off.Active || off.Epoch != staff.Account.Epoch+1 {
		t.Fatalf("deactivate: %+v %v", off, err)
	}
	var conflict *edit.ConflictError[accounts.Account]
	if _, err := f.auth.SetActive(ctx, second, staff.Account.ID, true, staff.Account.Version); !errors.As(err, &conflict) {
		t.Errorf("stale reactivate: %v", err)
	}
	on, err := f.auth.SetActive(ctx, second, staff.Account.ID, true, off.Version)
	if err != nil || !on.Active {
		t.Errorf("reactivate: %+v %v", on, err)
	}
	list, err := f.auth.List(ctx, second, accounts.Filter{Active: "yes", Role: access.HousingStaff})
	if err != nil || len(list) != 2 {
		t.Errorf("list active housing staff: %d %v", len(list), err)
	}
}

func TestOnlyAdminsManageAccounts(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	for _, v := range []access.Viewer{access.Public, {UserID: f.admin.UserID, Role: access.HousingStaff},
		{UserID: f.admin.UserID, Role: access.RSLOfficer, AgencyID: 1}, {Role: access.Admin}} {
		if _, err := f.auth.List(ctx, v, accounts.Filter{}); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%+v list: %v", v, err)
		}
		if _, err := f.auth.Invite(ctx, v, accounts.Input{Email: "x@example.org", Name: "X", Role: "admin"}); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%+v invite: %v", v, err)
		}
		if _, err := f.auth.Update(ctx, v, f.admin.UserID, accounts.Input{Role: "admin"}, 1); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%+v update: %v", v, err)
		}
		if _, _, _, err := f.auth.IssueReset(ctx, v, f.admin.UserID); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%+v reset: %v", v, err)
		}
	}
	if _, err := f.auth.Get(ctx, f.admin, 999999); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("missing account: %v", err)
	}
}

func TestParseFilter(t *testing.T) {
	if f, errs := accounts.ParseFilter(url.Values{"role": {"champion"}, "active": {"no"}}); len(errs) > 0 || f.Role != access.Champion || f.Active != "no" {
		t.Errorf("good: %+v %v", f, errs)
	}
	for _, q := range []string{"role=root", "active=maybe", "role=%00"} {
		v, _ := url.ParseQuery(q)
		if _, errs := accounts.ParseFilter(v); len(errs) != 1 {
			t.Errorf("%s: %v", q, errs)
		}
	}
}
