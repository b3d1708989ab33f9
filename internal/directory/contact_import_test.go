package directory_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/sheet"
)

func TestGuessMapping(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   directory.ImportMapping
	}{
		{[]string{"Organisation name", "Contact", "Job title", "Tel", "E-mail", "Areas covered", "Public or staff", "Notes"},
			directory.ImportMapping{"organisation": 0, "person_name": 1, "role_title": 2, "phone": 3, "email": 4, "area": 5, "visibility": 6}},
		{[]string{"Notes", "ROLE", "Agency", "Name", "Phone number", "Email address"},
			directory.ImportMapping{"organisation": 2, "person_name": 3, "role_title": 1, "phone": 4, "email": 5}},
		// "Contact name" is the person, not the organisation; the agency's name is the organisation.
		{[]string{"Agency name", "Contact name", "Role title", "Visibility"},
			directory.ImportMapping{"organisation": 0, "person_name": 1, "role_title": 2, "visibility": 3}},
		{[]string{"Foo", "Bar"}, directory.ImportMapping{}},
	} {
		if got := directory.GuessMapping(c.header); !maps.Equal(got, c.want) {
			t.Errorf("GuessMapping(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

func TestReadImportMapping(t *testing.T) {
	form := map[string]string{"organisation": "0", "role_title": "1", "phone": "1", "email": "9", "area": "<script>", "visibility": ""}
	m, errs := directory.ReadImportMapping(func(k string) string { return form[k] }, 3)
	if !maps.Equal(m, directory.ImportMapping{"organisation": 0, "role_title": 1}) {
		t.Errorf("mapping %v", m)
	}
	for _, f := range []string{"phone", "email", "area"} {
		if !errs.Has(f) {
			t.Errorf("no error for %s: %v", f, errs)
		}
	}
	_, errs = directory.ReadImportMapping(func(string) string { return "" }, 3)
	if !errs.Has("organisation") || !errs.Has("role_title") || errs.Has("phone") {
		t.Errorf("required fields: %v", errs)
	}
}

// importSheet uploads csv as admin v and maps its columns as guessed.
func importSheet(t *testing.T, s *directory.Store, v access.Viewer, csv string) string {
	t.Helper()
	sh, err := sheet.Read("contacts.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tok, err := s.SaveContactImport(ctx, v, "contacts.csv", sh)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MapContactImport(ctx, v, tok, directory.GuessMapping(sh.Header)); err != nil {
		t.Fatal(err)
	}
	return tok
}

const importHeader = "Organisation,Contact name,Role,Telephone,E-mail address,Area,Visibility,Notes\n"

// cleanSheet: row 2 as the directory already has it, row 3 a new number for an existing
// contact (matched by role), row 4 a new contact, row 5 a new contact whose role looks like a
// formula and is taken as text.
const cleanSheet = importHeader +
	"Link Group,,Customer contact centre,Contact centre: 0141 496 0311,customers.link-group@example.org,,Public,ignored\n" +
	"link  group,Sasha Example,Domestic abuse lead officer,0141 496 0399,,,staff,\n" +
	"clyde-valley-housing-association,Jo Bloggs,Tenancy support officer,01632 960 399,jo.bloggs@example.org,Motherwell; wishaw,,\n" +
	"Galop,,=1+1 line,0800 999 5428,,,public,\n"

func planOf(t *testing.T, s *directory.Store, v access.Viewer, tok string) directory.ImportPlan {
	t.Helper()
	p, err := s.PlanContactImport(context.Background(), v, tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportDryRunCounts(t *testing.T) {
	s, pool := demoStore(t)
	admin := editViewer(t, pool, access.Admin, "")
	mustExecDir(t, pool, `UPDATE agencies SET archived_at = now() WHERE slug = 'loretto-housing'`)
	sheet := cleanSheet +
		"No Such Org,,Duty line,,,,,\n" +
		"Link Group,,Duty line,12345,not-an-email,Atlantis,maybe,\n" +
		"Link Group,Sasha Example,Domestic abuse lead officer,0141 496 0398,,,,\n" +
		"Loretto Housing Association (Wheatley Group),,Duty line,,,,,\n" +
		"Link Group,,=cmd|' /C calc'!A0,=cmd|' /C calc'!A0,,,,\n" +
		"Link Group,,,,,,,\n"
	tok := importSheet(t, s, admin, sheet)
	before := auditTotal(t, pool)
	p := planOf(t, s, admin, tok)
	if p.Added != 2 || p.Changed != 1 || p.Same != 1 || p.OK() {
		t.Errorf("added %d, changed %d, same %d, ok %v", p.Added, p.Changed, p.Same, p.OK())
	}
	actions := map[int]string{}
	for _, r := range p.Rows {
		actions[r.Line] = r.Action
	}
	want := map[int]string{2: directory.RowSame, 3: directory.RowChange, 4: directory.RowAdd, 5: directory.RowAdd,
		6: directory.RowInvalid, 7: directory.RowInvalid, 8: directory.RowInvalid, 9: directory.RowInvalid, 10: directory.RowInvalid, 11: directory.RowInvalid}
	if !maps.Equal(actions, want) {
		t.Errorf("actions %v, want %v", actions, want)
	}
	var got []string
	for _, pr := range p.Problems {
		got = append(got, pr.Column+" | "+pr.Message)
	}
	all := strings.Join(got, "\n")
	for _, w := range []string{
		"A (Organisation) | No organisation called \u201cNo Such Org\u201d",
		"D (Telephone) | Phone 1: enter a UK phone number",
		"E (E-mail address) | Email address must be an email address",
		"F (Area) | No area called \u201cAtlantis\u201d",
		"G (Visibility) | Visibility must be public",
		"C (Role) | Row 3 is about the same contact",
		"A (Organisation) | \u201cLoretto Housing Association (Wheatley Group)\u201d is archived",
		"C (Role) | Enter role or title",
	} {
		if !strings.Contains(all, w) {
			t.Errorf("no problem %q in\n%s", w, all)
		}
	}
	if strings.Contains(all, "Choose who can see") {
		t.Errorf("a bad visibility is said twice:\n%s", all)
	}
	for _, r := range p.Rows {
		if r.Line == 3 && (len(r.Changes) != 1 || r.Changes[0].Field != "phones" || !strings.Contains(r.Changes[0].Yours, "0141 496 0399") ||
			!strings.Contains(r.Changes[0].Now, "0141 496 0313")) {
			t.Errorf("row 3 changes %+v", r.Changes)
		}
	}
	// A dry run changes nothing, and a plan with problems is not applied.
	if _, err := s.ApplyContactImport(context.Background(), admin, tok, p.Digest); !errors.Is(err, directory.ErrImportInvalid) {
		t.Errorf("apply with problems: %v", err)
	}
	if auditTotal(t, pool) != before {
		t.Error("the dry run or the refused apply changed something")
	}
}

func TestImportAppliesOnceWithAuditAndIsIdempotent(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	tok := importSheet(t, s, admin, cleanSheet)
	p := planOf(t, s, admin, tok)
	if !p.OK() || p.Added != 2 || p.Changed != 1 || p.Same != 1 {
		t.Fatalf("plan %+v", p)
	}
	// Only the admin who uploaded sees the upload.
	other := editViewer(t, pool, access.Admin, "")
	if _, err := s.PlanContactImport(ctx, other, tok); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("another admin: %v", err)
	}
	if _, err := s.ApplyContactImport(ctx, editViewer(t, pool, access.HousingStaff, ""), tok, p.Digest); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("housing staff: %v", err)
	}
	creates, updates := auditActions(t, pool, "contact.create"), auditActions(t, pool, "contact.update")
	applied, err := s.ApplyContactImport(ctx, admin, tok, p.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if applied.Added != 2 || applied.Changed != 1 {
		t.Errorf("applied %+v", applied)
	}
	if n := auditActions(t, pool, "contact.create") - creates; n != 2 {
		t.Errorf("%d create events, want 2", n)
	}
	if n := auditActions(t, pool, "contact.update") - updates; n != 1 {
		t.Errorf("%d update events, want 1", n)
	}
	var vis, phones, areas, role string
	err = pool.QueryRow(ctx, `SELECT c.visibility, c.phones::text, (SELECT string_agg(t.slug, ',' ORDER BY t.slug) FROM contact_areas j
		JOIN areas t ON t.id = j.area_id WHERE j.contact_id = c.id) FROM contacts c WHERE c.person_name = 'Jo Bloggs'`).Scan(&vis, &phones, &areas)
	if err != nil || vis != "staff" || !strings.Contains(phones, "01632960399") || areas != "motherwell,wishaw" {
		t.Errorf("new contact: %v %s %s %s", err, vis, phones, areas)
	}
	if err := pool.QueryRow(ctx, `SELECT c.role_title FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'galop' AND c.role_title LIKE '=%'`).Scan(&role); err != nil || role != "=1+1 line" {
		t.Errorf("formula-looking role not kept as text: %q %v", role, err)
	}
	var label string
	if err := pool.QueryRow(ctx, `SELECT phones->0->>'label' FROM contacts WHERE person_name = 'Sasha Example'`).Scan(&label); err != nil || label != "" {
		// The new number is a new one: it has no label of its own.
		t.Logf("label %q %v", label, err)
	}
	// The upload is gone once applied.
	if _, err := s.PlanContactImport(ctx, admin, tok); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("applied upload still there: %v", err)
	}

	// The same sheet again changes nothing.
	total := auditTotal(t, pool)
	versions := contactVersions(t, pool)
	tok = importSheet(t, s, admin, cleanSheet)
	p = planOf(t, s, admin, tok)
	if !p.OK() || p.Added != 0 || p.Changed != 0 || p.Same != 4 {
		t.Errorf("second plan added %d changed %d same %d problems %v", p.Added, p.Changed, p.Same, p.Problems)
	}
	if _, err := s.ApplyContactImport(ctx, admin, tok, p.Digest); err != nil {
		t.Fatal(err)
	}
	if auditTotal(t, pool) != total || contactVersions(t, pool) != versions {
		t.Error("importing the same sheet again changed something")
	}
}

func TestImportRefusesAStaleDryRun(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	tok := importSheet(t, s, admin, cleanSheet)
	p := planOf(t, s, admin, tok)
	// Someone changes the contact row 3 would change, after the dry run.
	mustExecDir(t, pool, `UPDATE contacts SET hours = 'Evenings', version = version + 1 WHERE person_name = 'Sasha Example'`)
	total := auditTotal(t, pool)
	count := contactCount(t, pool)
	_, err := s.ApplyContactImport(ctx, admin, tok, p.Digest)
	var conflict *edit.ConflictError[directory.ImportPlan]
	if !errors.As(err, &conflict) || conflict.Current.Digest == p.Digest {
		t.Fatalf("stale dry run: %v", err)
	}
	if auditTotal(t, pool) != total || contactCount(t, pool) != count {
		t.Error("a stale dry run was applied")
	}
	// A digest that is not the plan's, whatever it says, is the same.
	for _, d := range []string{"", "nonsense", "'; DROP TABLE contacts;--"} {
		if _, err := s.ApplyContactImport(ctx, admin, tok, d); !errors.As(err, &conflict) {
			t.Errorf("digest %q: %v", d, err)
		}
	}
	// The new dry run applies.
	if _, err := s.ApplyContactImport(ctx, admin, tok, conflict.Current.Digest); err != nil {
		t.Fatal(err)
	}
	if contactCount(t, pool) != count+2 {
		t.Error("the new dry run was not applied")
	}
}

func mustExecDir(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func scalar(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func auditTotal(t *testing.T, pool *pgxpool.Pool) string {
	return scalar(t, pool, `SELECT count(*)::text FROM audit_events`)
}

func auditActions(t *testing.T, pool *pgxpool.Pool, action string) int {
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func contactVersions(t *testing.T, pool *pgxpool.Pool) string {
	return scalar(t, pool, `SELECT md5(string_agg(id || ':' || version, ',' ORDER BY id)) FROM contacts`)
}

func contactCount(t *testing.T, pool *pgxpool.Pool) int {
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM contacts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
