package directory_test

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/edit"
	"dadirectory/internal/searchform"
	"dadirectory/internal/validate"
)

func admKind(t *testing.T, slug string) directory.TermKind {
	t.Helper()
	k, ok := directory.TermKindOf(slug)
	if !ok {
		t.Fatalf("no kind %s", slug)
	}
	return k
}

func admTerm(t *testing.T, s *directory.Store, v access.Viewer, kind, slug string) directory.AdminTerm {
	t.Helper()
	term, err := s.AdminTerm(context.Background(), v, admKind(t, kind), slug)
	if err != nil {
		t.Fatalf("term %s/%s: %v", kind, slug, err)
	}
	return term
}

// admIDs returns the ids the query lists, sorted.
func admIDs(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) []int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func TestAdminAddAndRenameTerm(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	k := admKind(t, "categories")

	added, err := s.AddTerm(ctx, admin, k, "Economic abuse")
	if err != nil || added.Slug != "economic-abuse" || added.Retired() {
		t.Fatalf("add: %v %+v", err, added)
	}
	tax, _ := s.Taxonomy(ctx)
	if !slices.ContainsFunc(tax.Categories, func(x directory.Term) bool { return x.Slug == "economic-abuse" }) {
		t.Error("new category not offered")
	}
	for _, name := range []string{"economic ABUSE", "Stalking", ""} {
		var errs validate.Errors
		if _, err := s.AddTerm(ctx, admin, k, name); !errors.As(err, &errs) || !errs.Has("name") {
			t.Errorf("add %q: %v", name, err)
		}
	}

	// Renaming keeps the slug, and the search tags follow the name.
	st := admTerm(t, s, admin, "categories", "stalking")
	renamed, err := s.RenameTerm(ctx, admin, k, "stalking", "Stalking and harassment", st.Version)
	if err != nil || renamed.Slug != "stalking" || renamed.Name != "Stalking and harassment" {
		t.Fatalf("rename: %v %+v", err, renamed)
	}
	res := search(t, s, access.Public, "q=harassment&category=stalking")
	if res.Total == 0 {
		t.Error("renamed category's new name is not searchable")
	}
	if _, err := s.RenameTerm(ctx, admin, k, "stalking", "Anything", st.Version); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale rename: %v", err)
	}
	if auditCount(t, pool, "category.rename", st.ID) != 1 || auditCount(t, pool, "category.create", added.ID) != 1 {
		t.Error("term changes not audited")
	}
}

func TestAdminRetiredTermIsRefusedInFiltersAndForms(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")
	k := admKind(t, "areas")
	shotts := admTerm(t, s, admin, "areas", "shotts")
	kilsyth := admTerm(t, s, admin, "areas", "kilsyth") // link-group covers Kilsyth, not Shotts

	if _, err := s.RetireTerm(ctx, admin, k, "shotts", shotts.Version); err != nil {
		t.Fatal(err)
	}
	kilsyth, err := s.RetireTerm(ctx, admin, k, "kilsyth", kilsyth.Version)
	if err != nil || !kilsyth.Retired() {
		t.Fatal(err)
	}
	tax, _ := s.Taxonomy(ctx)
	if slices.ContainsFunc(tax.Areas, func(x directory.Term) bool { return x.Slug == "shotts" }) {
		t.Error("retired area still offered")
	}
	q, err := directory.ParseQuery(url.Values{"area": {"shotts"}})
	if err != nil {
		t.Fatal(err)
	}
	var unknown *searchform.UnknownFilterError
	if _, err := s.Search(ctx, access.Public, q); !errors.As(err, &unknown) || unknown.Field != "area" {
		t.Errorf("retired filter: %v", err)
	}
	// An organisation cannot pick a retired area, but keeps one it already has.
	a, err := s.AgencyForEdit(ctx, officer, officer.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(a.Areas, "kilsyth") {
		t.Fatalf("fixture: link-group areas %v", a.Areas)
	}
	in := a.AgencyInput
	in.Areas = append(slices.Clone(in.Areas), "shotts")
	var errs validate.Errors
	if _, err := s.UpdateAgency(ctx, officer, a.ID, in, a.Version); !errors.As(err, &errs) || !errs.Has("areas") {
		t.Errorf("retired area chosen: %v", err)
	}
	in = a.AgencyInput
	in.Summary = "Kept its retired area."
	saved, err := s.UpdateAgency(ctx, officer, a.ID, in, a.Version)
	if err != nil || !slices.Contains(saved.Areas, "kilsyth") {
		t.Errorf("retired area dropped on save: %v %v", err, saved.Areas)
	}
	// Restored, it is offered again.
	if _, err := s.RestoreTerm(ctx, admin, k, "kilsyth", kilsyth.Version); err != nil {
		t.Fatal(err)
	}
	if err := s.Sync(ctx); err != nil { // searches answer from the index, which catches up by notification
		t.Fatal(err)
	}
	q, _ = directory.ParseQuery(url.Values{"area": {"kilsyth"}})
	if _, err := s.Search(ctx, access.Public, q); err != nil {
		t.Errorf("restored area refused: %v", err)
	}
}

func TestAdminMergeTermNeverOrphans(t *testing.T) {
	s, pool := demoStore(t)
	ctx := context.Background()
	admin := editViewer(t, pool, access.Admin, "")
	k := admKind(t, "areas")

	// A join table of some other feature, made after the directory's: a merge must move its
	// rows too, and drop the ones that would repeat.
	exec(t, pool, `CREATE TABLE test_area_links (thing_id bigint NOT NULL, area_id bigint NOT NULL REFERENCES areas(id),
		PRIMARY KEY (thing_id, area_id))`)
	exec(t, pool, `INSERT INTO test_area_links SELECT 1, id FROM areas WHERE slug IN ('wishaw', 'motherwell')`)
	exec(t, pool, `INSERT INTO test_area_links SELECT 2, id FROM areas WHERE slug = 'wishaw'`)

	wishaw := admTerm(t, s, admin, "areas", "wishaw")
	motherwell := admTerm(t, s, admin, "areas", "motherwell")
	union := admIDs(t, pool, `SELECT DISTINCT agency_id FROM agency_areas WHERE area_id IN ($1, $2)`, wishaw.ID, motherwell.ID)
	both := admIDs(t, pool, `SELECT agency_id FROM agency_areas WHERE area_id = $1 INTERSECT SELECT agency_id FROM agency_areas WHERE area_id = $2`,
		wishaw.ID, motherwell.ID)
	contacts := admIDs(t, pool, `SELECT DISTINCT contact_id FROM contact_areas WHERE area_id IN ($1, $2)`, wishaw.ID, motherwell.ID)
	rowsBefore := admIDs(t, pool, `SELECT count(*) FROM agency_areas`)
	if len(both) == 0 || len(union) == len(both) || len(contacts) == 0 {
		t.Fatalf("fixture: union %v both %v contacts %v", union, both, contacts)
	}
	var linkVersion int
	if err := pool.QueryRow(ctx, `SELECT version FROM agencies WHERE id = $1`, union[0]).Scan(&linkVersion); err != nil {
		t.Fatal(err)
	}

	// Refusals first: nothing moves.
	for into, field := range map[string]string{"": "into", "wishaw": "into", "atlantis": "into", "Bad Slug": "into"} {
		var errs validate.Errors
		if _, err := s.MergeTerm(ctx, admin, k, "wishaw", into, wishaw.Version); !errors.As(err, &errs) || !errs.Has(field) {
			t.Errorf("merge into %q: %v", into, err)
		}
	}
	if _, err := s.MergeTerm(ctx, admin, k, "wishaw", "motherwell", wishaw.Version+1); !errors.Is(err, edit.ErrConflict) {
		t.Errorf("stale merge: %v", err)
	}
	officer := editViewer(t, pool, access.RSLOfficer, "link-group")
	if _, err := s.MergeTerm(ctx, officer, k, "wishaw", "motherwell", wishaw.Version); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("officer merges: %v", err)
	}

	res, err := s.MergeTerm(ctx, admin, k, "wishaw", "motherwell", wishaw.Version)
	if err != nil {
		t.Fatal(err)
	}
	if !res.From.Retired() || res.Into.Retired() || res.Duplicates < len(both) {
		t.Errorf("result %+v", res)
	}
	// Nothing refers to Wishaw any more, anywhere.
	var left int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM agency_areas WHERE area_id = $1) +
		(SELECT count(*) FROM contact_areas WHERE area_id = $1) + (SELECT count(*) FROM test_area_links WHERE area_id = $1)`,
		wishaw.ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d rows still refer to the merged area (%v)", left, err)
	}
	// Every agency and contact that had either area has Motherwell, once.
	if got := admIDs(t, pool, `SELECT agency_id FROM agency_areas WHERE area_id = $1`, motherwell.ID); !slices.Equal(got, union) {
		t.Errorf("agencies with Motherwell %v, want %v", got, union)
	}
	if got := admIDs(t, pool, `SELECT contact_id FROM contact_areas WHERE area_id = $1`, motherwell.ID); !slices.Equal(got, contacts) {
		t.Errorf("contacts with Motherwell %v, want %v", got, contacts)
	}
	if got := admIDs(t, pool, `SELECT thing_id FROM test_area_links WHERE area_id = $1`, motherwell.ID); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("other feature's rows %v", got)
	}
	rowsAfter := admIDs(t, pool, `SELECT count(*) FROM agency_areas`)
	if rowsAfter[0] != rowsBefore[0]-int64(len(both)) {
		t.Errorf("agency_areas rows %d, want %d", rowsAfter[0], rowsBefore[0]-int64(len(both)))
	}
	// The agencies moved have a new version, so an older form cannot put Wishaw back unseen.
	var newVersion int
	if err := pool.QueryRow(ctx, `SELECT version FROM agencies WHERE id = $1`, union[0]).Scan(&newVersion); err != nil || newVersion != linkVersion+1 {
		t.Errorf("version %d, was %d (%v)", newVersion, linkVersion, err)
	}
	// Searching by the merged-into area finds what Wishaw found.
	q, _ := directory.ParseQuery(url.Values{"area": {"motherwell"}})
	found, err := s.Search(ctx, editViewer(t, pool, access.HousingStaff, ""), q)
	if err != nil || found.Total != len(union) {
		t.Errorf("search by the kept area: %v %d, want %d", err, found.Total, len(union))
	}
	if auditCount(t, pool, "area.merge", wishaw.ID) != 1 {
		t.Error("merge not audited")
	}
	_, _, after := admLastAudit(t, pool, "area.merge", wishaw.ID)
	if after["merged_into"] != "motherwell" {
		t.Errorf("audit after %v", after)
	}
}
