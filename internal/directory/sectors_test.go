package directory_test

import (
	"context"
	"errors"
	"testing"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/validate"
)

// An organisation's sector is set on the admin's form, checked against the list, kept on the
// audit trail, and the demo data gives each demo organisation a sensible one.
func TestAgencySector(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")

	in := admNewAgency("Sector Test Service")
	if in.Sector != "third_sector" {
		t.Errorf("a new domestic abuse service starts in %q, want third_sector", in.Sector)
	}
	in.Sector = "education"
	a, err := s.CreateAgency(ctx, admin, in)
	if err != nil || a.Sector != "education" {
		t.Fatalf("create: %+v %v", a.Sector, err)
	}
	change := a.AdminAgencyInput
	change.Sector = "nonsense"
	var errs validate.Errors
	if _, err := s.UpdateAgencyAdmin(ctx, admin, a.ID, change, a.Version); !errors.As(err, &errs) || !errs.Has("sector") {
		t.Errorf("an unknown sector: %v", err)
	}
	change.Sector = "social_work"
	b, err := s.UpdateAgencyAdmin(ctx, admin, a.ID, change, a.Version)
	if err != nil || b.Sector != "social_work" {
		t.Fatalf("update: %q %v", b.Sector, err)
	}
	if _, before, after := admLastAudit(t, pool, "agency.update", a.ID); before["sector"] != "education" || after["sector"] != "social_work" {
		t.Errorf("audit: %v -> %v", before["sector"], after["sector"])
	}

	for slug, want := range map[string]string{"link-group": "rsl", "nlc-social-work": "social_work",
		"north-lanarkshire-council-housing": "housing", "police-scotland-lanarkshire": "police",
		"motherwell-and-district-womens-aid": "third_sector", "nhs-lanarkshire-gender-based-violence-services": "health"} {
		if got := admFor(t, s, admin, slug).Sector; got != want {
			t.Errorf("demo %s is in %q, want %q", slug, got, want)
		}
	}
	if directory.SectorLabel("rsl") != "Housing association (RSL)" || len(directory.SectorValues()) != 8 {
		t.Error("sector words")
	}
}
