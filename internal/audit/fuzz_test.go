package audit_test

import (
	"net/url"
	"testing"

	"dadirectory/internal/audit"
	"dadirectory/internal/validate/formtest"
)

// FuzzAuditFilter is /admin/audit's query string: a filter in range, or field errors; an
// accepted filter links to itself.
func FuzzAuditFilter(f *testing.F) {
	for _, s := range []string{"actor=3&org=link-group&from=2026-01-01&to=2026-03-01&page=2", "from=nonsense", "actor=-1",
		"actor=1e9999", "org=../../etc", "org='; DROP TABLE audit_events;--", "page=0", "to=2026-01-01&from=2026-02-01", "org=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, errs := audit.ParseFilter(v)
		formtest.ErrorsNameFields(t, errs, []string{"actor", "org", "from", "to", "page"})
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, got, nil)
		if got.ActorID < 0 || got.Page < 1 || (!got.From.IsZero() && !got.To.IsZero() && got.To.Before(got.From)) {
			t.Fatalf("accepted %+v", got)
		}
		again, errs := audit.ParseFilter(got.Values())
		again.Page = got.Page
		if len(errs) > 0 || again.ActorID != got.ActorID || again.Org != got.Org || !again.From.Equal(got.From) || !again.To.Equal(got.To) {
			t.Fatalf("round trip %+v -> %v -> %+v %v", got, got.Values(), again, errs)
		}
	})
}
