package site_test

import (
	"context"
	"errors"
	"testing"

	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/site"
)

var defaults = site.Settings{SiteName: "Default site", CouncilName: "Default Council", HelplineName: "Default helpline",
	HelplineNumber: "08000271234", QuickExitURL: "https://www.bbc.co.uk/weather"}

func TestUpdateSettings(t *testing.T) {
	pool := pgtest.New(t)
	ctx := context.Background()
	var admin int64
	if err := pool.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ('a@example.org', 'Admin', 'admin') RETURNING id`).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	s := site.NewStore(pool, defaults)
	if got, err := s.Get(ctx); err != nil || got.SiteName != "Default site" {
		t.Fatalf("defaults: %v %+v", err, got)
	}
	e, err := s.ForEdit(ctx)
	if err != nil || e.SiteName != "" || e.Version != 1 {
		t.Fatalf("for edit: %v %+v", err, e)
	}
	in := site.Input{SiteName: "  Safe Lanarkshire ", HelplineNumber: "0800 027 1234", QuickExitURL: "https://weather.example.org/",
		Banner: "Office closed\nfor the holiday"}
	saved, err := s.Update(ctx, admin, in, e.Version)
	if err != nil {
		t.Fatal(err)
	}
	if saved.SiteName != "Safe Lanarkshire" || saved.HelplineNumber != "08000271234" || saved.Banner != "Office closed for the holiday" || saved.Version != 2 {
		t.Errorf("saved %+v", saved)
	}
	// This instance shows it at once (the cache is dropped); a blank field keeps the default.
	got, err := s.Get(ctx)
	if err != nil || got.SiteName != "Safe Lanarkshire" || got.CouncilName != "Default Council" || got.QuickExitURL != "https://weather.example.org/" {
		t.Errorf("after update: %v %+v", err, got)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'site_settings.update' AND actor_id = $1`, admin).Scan(&n); err != nil || n != 1 {
		t.Errorf("audit events %d (%v)", n, err)
	}

	// A form opened on the old version is refused and shows the settings as they are.
	_, err = s.Update(ctx, admin, site.Input{SiteName: "Late"}, e.Version)
	var conflict *edit.ConflictError[site.Edit]
	if !errors.As(err, &conflict) || !errors.Is(err, edit.ErrConflict) || conflict.Current.SiteName != "Safe Lanarkshire" {
		t.Fatalf("stale update: %v", err)
	}
	merged, changes := site.SettingsForm().Merge(&e.Input, conflict.Current.Input, site.Input{CouncilName: "Mine"})
	if merged.SiteName != "Safe Lanarkshire" || merged.CouncilName != "Mine" || len(changes) != 4 {
		t.Errorf("merge %+v %+v", merged, changes)
	}
}

func TestSettingsRefuseUnsafeQuickExit(t *testing.T) {
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,hi", "//evil.example", "ftp://example.org", "https://", "weather"} {
		_, errs := site.Clean(site.Input{QuickExitURL: bad})
		if !errs.Has("quick_exit_url") {
			t.Errorf("%q accepted", bad)
		}
	}
	_, errs := site.Clean(site.Input{HelplineNumber: "call us", SiteName: "a\x00b"})
	if !errs.Has("helpline_number") || !errs.Has("site_name") {
		t.Errorf("bad number or name accepted: %v", errs)
	}
	if clean, errs := site.Clean(site.Input{HelplineNumber: "116 123", QuickExitURL: "http://example.org/x"}); len(errs) > 0 || clean.HelplineNumber != "116123" {
		t.Errorf("good input refused: %v %+v", errs, clean)
	}
}
