package audit_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
	"dadirectory/internal/audit"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/postgres/pgtest"
	"dadirectory/internal/seed"
	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

var admin = access.Viewer{UserID: 1, Role: access.Admin}

type fixture struct {
	db          *pgxpool.Pool
	trail       *audit.Store
	ann, bob    int64 // users
	galop, link int64 // agencies
}

// newTrail is the trail's store as the server builds it, over the features' descriptions.
func newTrail(t *testing.T, db *pgxpool.Pool) *audit.Store {
	t.Helper()
	trail, err := audit.NewStore(db, slices.Concat(directory.AuditEntities(), accounts.AuditEntities())...)
	if err != nil {
		t.Fatal(err)
	}
	return trail
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.New(t)
	if _, err := seed.Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := fixture{db: db, trail: newTrail(t, db)}
	for _, u := range []struct {
		id          *int64
		email, name string
	}{{&f.ann, "ann@example.org", "Ann Admin"}, {&f.bob, "bob@example.org", "Bob Officer"}} {
		if err := db.QueryRow(ctx, `INSERT INTO users (email, name, role) VALUES ($1, $2, 'admin') RETURNING id`, u.email, u.name).Scan(u.id); err != nil {
			t.Fatal(err)
		}
	}
	for slug, id := range map[string]*int64{"galop": &f.galop, "link-group": &f.link} {
		if err := db.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1`, slug).Scan(id); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// event inserts an event at a given time; agency and actor 0 mean none.
func (f fixture) event(t *testing.T, at string, actor, agency int64, action string, before, after string) {
	t.Helper()
	null := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	json := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	_, err := f.db.Exec(context.Background(), `INSERT INTO audit_events (occurred_at, actor_id, action, entity_type, entity_id, agency_id, before, after)
		VALUES ($1, $2, $3, 'agency', $4, $4, $5::jsonb, $6::jsonb)`, at, null(actor), action, null(agency), json(before), json(after))
	if err != nil {
		t.Fatal(err)
	}
}

func list(t *testing.T, f fixture, q string) audit.Page {
	t.Helper()
	v, _ := url.ParseQuery(q)
	flt, errs := audit.ParseFilter(v)
	if len(errs) > 0 {
		t.Fatalf("%s: %v", q, errs)
	}
	p, err := f.trail.List(context.Background(), admin, flt)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return p
}

func actions(p audit.Page) string {
	var s []string
	for _, e := range p.Entries {
		s = append(s, e.Action)
	}
	return strings.Join(s, ",")
}

func TestListFilters(t *testing.T) {
	f := setup(t)
	// Times in UTC; in uktime.London 2026-06-30T23:30Z is already 1 July (BST), while in winter
	// 2026-01-15T23:30Z is still 15 January (GMT).
	f.event(t, "2026-01-15T23:30:00Z", f.ann, f.galop, "a.winter_late", "", "")
	f.event(t, "2026-01-16T00:30:00Z", f.bob, f.link, "b.winter_next", "", "")
	f.event(t, "2026-06-30T22:30:00Z", f.ann, f.link, "c.summer_june", "", "")
	f.event(t, "2026-06-30T23:30:00Z", f.bob, f.galop, "d.summer_july", "", "")
	f.event(t, "2026-07-02T12:00:00Z", 0, 0, "e.system", "", "")

	for q, want := range map[string]string{
		"":                                    "e.system,d.summer_july,c.summer_june,b.winter_next,a.winter_late",
		"actor=" + itoa(f.ann):                "c.summer_june,a.winter_late",
		"org=galop":                           "d.summer_july,a.winter_late",
		"org=link-group&actor=" + itoa(f.bob): "b.winter_next",
		"from=2026-07-01":                     "e.system,d.summer_july",
		"to=2026-06-30":                       "c.summer_june,b.winter_next,a.winter_late",
		"from=2026-01-15&to=2026-01-15":       "a.winter_late",
		"from=2026-01-16&to=2026-06-30":       "c.summer_june,b.winter_next",
		"from=2026-07-01&to=2026-07-01":       "d.summer_july",
		"from=2027-01-01":                     "",
	} {
		p := list(t, f, q)
		if got := actions(p); got != want {
			t.Errorf("%q: got %s, want %s", q, got, want)
		}
		if p.Total != len(p.Entries) {
			t.Errorf("%q: total %d for %d entries", q, p.Total, len(p.Entries))
		}
	}

	p := list(t, f, "org=galop&actor="+itoa(f.bob))
	e := p.Entries[0]
	if e.ActorName != "Bob Officer" || e.ActorEmail != "bob@example.org" || e.AgencySlug != "galop" || e.AgencyName == "" {
		t.Errorf("entry %+v", e)
	}
	if w := e.At.In(uktime.London).Format("2006-01-02 15:04 MST"); w != "2026-07-01 00:30 BST" {
		t.Errorf("time in uktime.London: %s", w)
	}
	sys := list(t, f, "from=2026-07-02").Entries[0]
	if sys.Who() != "System" || sys.ActorID != 0 {
		t.Errorf("null actor shown as %q", sys.Who())
	}
}

func TestListPaginatesNewestFirst(t *testing.T) {
	f := setup(t)
	_, err := f.db.Exec(context.Background(), `INSERT INTO audit_events (occurred_at, actor_id, action, entity_type)
		SELECT timestamptz '2026-03-01T00:00:00Z' + n * interval '1 minute', $1, 'test.n' || n, 'agency' FROM generate_series(1, 120) n`, f.ann)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	last := time.Now()
	for page := 1; page <= 3; page++ {
		p := list(t, f, "actor="+itoa(f.ann)+"&page="+itoa(int64(page)))
		want := map[int]int{1: 50, 2: 50, 3: 20}[page]
		if len(p.Entries) != want || p.Total != 120 || p.Pages != 3 {
			t.Fatalf("page %d: %d entries, total %d, pages %d", page, len(p.Entries), p.Total, p.Pages)
		}
		for _, e := range p.Entries {
			if seen[e.Action] {
				t.Errorf("page %d repeats %s", page, e.Action)
			}
			seen[e.Action] = true
			if !e.At.Before(last) {
				t.Errorf("page %d: %s not older than the one before", page, e.Action)
			}
			last = e.At
		}
	}
	if p := list(t, f, "actor="+itoa(f.ann)+"&page=1"); p.Entries[0].Action != "test.n120" {
		t.Errorf("newest first: got %s", p.Entries[0].Action)
	}
	if p := list(t, f, "actor="+itoa(f.ann)+"&page=4"); len(p.Entries) != 0 || p.Pages != 3 {
		t.Errorf("beyond the end: %d entries", len(p.Entries))
	}
	if u := (audit.Filter{ActorID: 7, Org: "galop", Page: 2}).PageURL(3); u != "/admin/audit?actor=7&org=galop&page=3" {
		t.Errorf("page URL %s", u)
	}
}

func TestListRefusesAnyoneButAnAdmin(t *testing.T) {
	f := setup(t)
	f.event(t, "2026-01-15T12:00:00Z", f.ann, f.galop, "agency.update", "", "")
	for _, v := range []access.Viewer{
		access.Public,
		{UserID: 5, Role: access.HousingStaff},
		{UserID: 5, Role: access.Champion},
		{UserID: 5, Role: access.RSLOfficer, AgencyID: f.galop},
		{Role: access.Admin}, // no user: not signed in, whatever the role says
		{UserID: 5, Role: "superuser"},
	} {
		p, err := f.trail.List(context.Background(), v, audit.Filter{})
		if !errors.Is(err, edit.ErrNotFound) || len(p.Entries) != 0 {
			t.Errorf("%+v: err %v, %d entries; want edit.ErrNotFound and nothing", v, err, len(p.Entries))
		}
		if _, err := f.trail.FilterChoices(context.Background(), v, audit.Filter{}); !errors.Is(err, edit.ErrNotFound) {
			t.Errorf("%+v: choices err %v, want edit.ErrNotFound", v, err)
		}
	}
}

func TestListRefusesUnknownPeopleAndOrganisations(t *testing.T) {
	f := setup(t)
	for _, flt := range []audit.Filter{{ActorID: 999999}, {Org: "no-such-org"}} {
		_, err := f.trail.List(context.Background(), admin, flt)
		var errs validate.Errors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Errorf("%+v: err %v, want a field error", flt, err)
		}
	}
}

func TestFilterChoices(t *testing.T) {
	f := setup(t)
	f.event(t, "2026-01-15T12:00:00Z", f.bob, f.galop, "agency.update", "", "")
	c, err := f.trail.FilterChoices(context.Background(), admin, audit.Filter{ActorID: f.ann, Org: "link-group"})
	if err != nil {
		t.Fatal(err)
	}
	var people, orgs []string
	for _, p := range c.People {
		people = append(people, p.Name)
	}
	for _, o := range c.Orgs {
		orgs = append(orgs, o.Slug)
	}
	// Bob acted; Ann did not but is chosen. Galop has an event; Link Group is chosen.
	if strings.Join(people, ",") != "Ann Admin,Bob Officer" || strings.Join(orgs, ",") != "galop,link-group" {
		t.Errorf("people %v, organisations %v", people, orgs)
	}
}

func TestParseFilter(t *testing.T) {
	good, errs := audit.ParseFilter(url.Values{"actor": {"12"}, "org": {"galop"}, "from": {"2026-01-02"}, "to": {"2026-01-02"}, "page": {"3"}})
	if len(errs) > 0 || good.ActorID != 12 || good.Org != "galop" || good.Page != 3 || good.From.Format("2006-01-02") != "2026-01-02" {
		t.Errorf("good filter: %+v %v", good, errs)
	}
	if v := good.Values().Encode(); v != "actor=12&from=2026-01-02&org=galop&to=2026-01-02" {
		t.Errorf("values %s", v)
	}
	// The GOV.UK date input's boxes read as the same day.
	boxes, errs := audit.ParseFilter(url.Values{"from-day": {"2"}, "from-month": {"1"}, "from-year": {"2026"}, "to-day": {" 02 "}, "to-month": {"01"}, "to-year": {"2026"}})
	if len(errs) > 0 || !boxes.From.Equal(good.From) || !boxes.To.Equal(good.To) {
		t.Errorf("date boxes: %+v %v", boxes, errs)
	}
	for q, field := range map[string]string{
		"actor=abc": "actor", "actor=-1": "actor", "actor=0": "actor", "actor=99999999999999999999": "actor",
		"org=Not%20A%20Slug": "org", "org=%3Cscript%3E": "org", "org=" + strings.Repeat("a", 81): "org",
		"from=32/03/2026": "from", "from=2026-02-30": "from", "from=0000-01-01": "from", "from=2026-13-5": "from",
		"from-day=5&from-month=13&from-year=2026": "from", "from-day=5&from-year=2026": "from", "to-day=1&to-month=1&to-year=26": "to",
		"to=yesterday": "to", "from=2026-03-02&to=2026-03-01": "to",
		"page=0": "page", "page=x": "page", "page=100001": "page", "from=%ff": "from",
	} {
		v, _ := url.ParseQuery(q)
		_, errs := audit.ParseFilter(v)
		if len(errs) != 1 || errs[0].Field != field {
			t.Errorf("%s: errors %v, want one on %s", q, errs, field)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// An entry is named by its row as it is now, through the entity's NameColumn its feature
// describes, or else by the name its event recorded.
func TestListNamesEntriesByTheirRowsNow(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	var contact int64
	var contactTitle, galopName string
	if err := f.db.QueryRow(ctx, `SELECT id, role_title FROM contacts WHERE agency_id = $1 ORDER BY id LIMIT 1`, f.galop).Scan(&contact, &contactTitle); err != nil {
		t.Fatal(err)
	}
	f.db.QueryRow(ctx, `SELECT name FROM agencies WHERE id = $1`, f.galop).Scan(&galopName)
	for _, ev := range []struct {
		action, entityType string
		id, agency         int64
		after              string
	}{
		{"agency.update", "agency", f.galop, 0, `{"name": "Old name"}`}, // no agency_id: the organisation itself
		{"contact.update", "contact", contact, f.galop, `{"role_title": "Old title"}`},
		{"user.update", "user", f.bob, 0, `{"name": "Old Bob"}`},
		{"contact.update", "contact", 99999999, 0, `{"role_title": "Gone line"}`},
		{"training_course.update", "training_course", 1, 0, `{"title": "A course"}`},
	} {
		_, err := f.db.Exec(ctx, `INSERT INTO audit_events (occurred_at, actor_id, action, entity_type, entity_id, agency_id, after)
			VALUES ('2026-02-01T12:00:00Z', $1, $2, $3, $4, nullif($5, 0), $6::jsonb)`, f.ann, ev.action, ev.entityType, ev.id, ev.agency, ev.after)
		if err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	for _, e := range list(t, f, "actor="+itoa(f.ann)).Entries {
		got[e.EntityType+" "+itoa(e.EntityID)] = e.EntityName + " @" + e.AgencySlug
	}
	for key, want := range map[string]string{
		"agency " + itoa(f.galop):  galopName + " @galop",
		"contact " + itoa(contact): contactTitle + " @galop",
		"user " + itoa(f.bob):      "Bob Officer @",
		"contact 99999999":         "Gone line @",
		"training_course 1":        "A course @",
	} {
		if got[key] != want {
			t.Errorf("%s: named %q, want %q", key, got[key], want)
		}
	}
}
