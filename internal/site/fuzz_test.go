package site_test

import (
	"strings"
	"testing"

	"dadirectory/internal/site"
	"dadirectory/internal/validate/formtest"
)

// FuzzCleanSettings is the site settings form with the fuzzed value in one of its fields: every
// page shows these, so what is accepted must be storable text within its limits, the helpline
// digits only, and the quick-exit target an absolute http(s) address.
func FuzzCleanSettings(f *testing.F) {
	fields := formtest.Fields(&site.Input{})
	for i, s := range formtest.Seeds {
		f.Add(fields[i%len(fields)], s)
	}
	f.Fuzz(func(t *testing.T, field, value string) {
		in := site.Input{SiteName: "DA Directory", CouncilName: "North Lanarkshire Council", HelplineName: "Scotland's helpline",
			HelplineNumber: "0800 027 1234", HelplineHours: "24 hours", QuickExitURL: "https://www.bbc.co.uk/weather", Banner: ""}
		formtest.Set(&in, field, value)
		out, errs := site.Clean(in)
		formtest.ErrorsNameFields(t, errs, fields)
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, out, map[string]int{"SiteName": 80, "CouncilName": 120, "HelplineName": 120, "HelplineHours": 120, "Banner": 300})
		lower := strings.ToLower(out.QuickExitURL)
		switch {
		case strings.Trim(out.HelplineNumber, "0123456789") != "":
			t.Fatalf("accepted helpline %q", out.HelplineNumber)
		case out.QuickExitURL != "" && !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://"):
			t.Fatalf("accepted quick exit %q", out.QuickExitURL)
		case formtest.HasTag(out.SiteName) || formtest.HasTag(out.CouncilName) || formtest.HasTag(out.HelplineName) || strings.Contains(out.Banner, "\n"):
			t.Fatalf("accepted %+v", out)
		}
		if again, errs := site.Clean(out); len(errs) > 0 || again != out {
			t.Fatalf("not stable: %+v -> %+v %v", out, again, errs)
		}
	})
}
