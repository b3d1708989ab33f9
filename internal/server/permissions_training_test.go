package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The training routes' rows of the permission matrix. The demo data has staff-only courses
// (Safe & Together Core), a public one (the roadshow), and a course of the RSL officer's own
// organisation (Clyde Valley), which an admin has allowed to provide training.

func init() { featureMatrices = append(featureMatrices, trainingMatrix) }

const (
	demoStaffCourse  = "safe-and-together-core"
	demoPublicCourse = "safe-and-together-roadshow"
	demoOwnCourse    = "domestic-abuse-awareness-for-housing-association-staff" // Clyde Valley's
)

// firstSession is the id and course page of the first session of the course with slug.
func firstSession(t *testing.T, pool *pgxpool.Pool, slug string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(context.Background(), `SELECT min(s.id) FROM training_sessions s
		JOIN training_courses c ON c.id = s.course_id WHERE c.slug = $1`, slug).Scan(&id)
	if err != nil || id == 0 {
		t.Fatalf("demo session of %s: %v", slug, err)
	}
	return id
}

func trainingMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	rsl, admin := access.RSLOfficer, access.Admin
	signedIn := []access.Role{access.HousingStaff, access.Champion, access.RSLOfficer, access.Admin}
	staffS, publicS, ownS := firstSession(t, pool, demoStaffCourse), firstSession(t, pool, demoPublicCourse), firstSession(t, pool, demoOwnCourse)
	sess := func(id int64, suffix string) string { return fmt.Sprintf("/training/sessions/%d%s", id, suffix) }
	adminSess := func(id int64, suffix string) string { return fmt.Sprintf("/admin/training/sessions/%d%s", id, suffix) }
	badRequest := outcome{statuses: []int{http.StatusBadRequest}}
	// Someone allowed to manage a session sends an empty form: refused or answered, never saved
	// blank and never a 500.
	manage := func(method, path string, o outcome) check { return only(method, path, o, rsl, admin) }
	adminOnly := func(method, path string, o outcome) check {
		return only(method, path, o, admin)
	}
	othersCourse := func(method, path string, o outcome) check { return manage(method, path, o).with(rsl, no404) }

	return map[string][]check{
		"GET /training": {
			everyone("GET", "/training", ok200),
			everyone("GET", "/training?delivery=online&date=2030-01-01", ok200),
			everyone("GET", "/training?level=nonsense", badRequest),
		},
		"GET /training/{slug}": {
			everyone("GET", "/training/"+demoPublicCourse, ok200),
			everyone("GET", "/training/"+demoStaffCourse, ok200).with(access.Anonymous, no404),
			everyone("GET", "/training/no-such-course", no404),
			everyone("GET", "/training/Not_A_Slug", no404),
		},
		"GET /training/sessions/{id}.ics": {
			everyone("GET", sess(publicS, ".ics"), ok200),
			everyone("GET", sess(staffS, ".ics"), ok200).with(access.Anonymous, no404),
			everyone("GET", sess(99999999, ".ics"), no404),
		},
		"GET /training/sessions/{id}/book": {
			only("GET", sess(staffS, "/book"), redirectTo(fmt.Sprintf("/training/%s#session-%d", demoStaffCourse, staffS)), signedIn...),
		},
		"POST /training/sessions/{id}/book": {
			only("POST", sess(staffS, "/book"), formHandled, signedIn...),
			only("POST", sess(99999999, "/book"), no404, signedIn...),
		},
		"POST /training/sessions/{id}/cancel": {
			only("POST", sess(publicS, "/cancel"), formHandled, signedIn...),
			only("POST", sess(99999999, "/cancel"), no404, signedIn...),
		},
		"GET /my/training": {only("GET", "/my/training", ok200, signedIn...)},

		"GET /admin/training":      {manage("GET", "/admin/training", ok200)},
		"GET /admin/training/new":  {manage("GET", "/admin/training/new", ok200)},
		"POST /admin/training/new": {manage("POST", "/admin/training/new", formRefused)},
		"GET /admin/training/{slug}": {
			othersCourse("GET", "/admin/training/"+demoStaffCourse, ok200),
			manage("GET", "/admin/training/"+demoOwnCourse, ok200),
			manage("GET", "/admin/training/no-such-course", no404),
		},
		"GET /admin/training/{slug}/edit": {
			othersCourse("GET", "/admin/training/"+demoStaffCourse+"/edit", ok200),
			manage("GET", "/admin/training/"+demoOwnCourse+"/edit", ok200),
		},
		"POST /admin/training/{slug}/edit": {
			othersCourse("POST", "/admin/training/"+demoStaffCourse+"/edit", formRefused),
			manage("POST", "/admin/training/"+demoOwnCourse+"/edit", formRefused),
		},
		"POST /admin/training/{slug}/withdraw": {
			othersCourse("POST", "/admin/training/"+demoStaffCourse+"/withdraw", formRefused),
			manage("POST", "/admin/training/"+demoOwnCourse+"/withdraw", formRefused),
		},
		"POST /admin/training/{slug}/sessions": {
			othersCourse("POST", "/admin/training/"+demoStaffCourse+"/sessions", formRefused),
			manage("POST", "/admin/training/"+demoOwnCourse+"/sessions", formRefused),
		},
		"GET /admin/training/sessions/{id}": {
			othersCourse("GET", adminSess(staffS, ""), ok200),
			manage("GET", adminSess(ownS, ""), ok200),
			manage("GET", adminSess(99999999, ""), no404),
		},
		"POST /admin/training/sessions/{id}": {
			othersCourse("POST", adminSess(staffS, ""), formRefused),
			manage("POST", adminSess(ownS, ""), formRefused),
		},
		"POST /admin/training/sessions/{id}/cancel": {
			othersCourse("POST", adminSess(staffS, "/cancel"), formHandled),
			manage("POST", adminSess(ownS, "/cancel"), formHandled),
		},
		"POST /admin/training/sessions/{id}/attendance": {
			othersCourse("POST", adminSess(staffS, "/attendance"), formHandled),
			manage("POST", adminSess(ownS, "/attendance"), formHandled),
		},

		"GET /admin/training/report": {
			adminOnly("GET", "/admin/training/report", ok200),
			adminOnly("GET", "/admin/training/report?from=nonsense", badRequest),
		},
		"GET /admin/training/report.csv": {adminOnly("GET", "/admin/training/report.csv", ok200)},
		"GET /admin/training/providers":  {adminOnly("GET", "/admin/training/providers", ok200)},
		"POST /admin/training/providers": {adminOnly("POST", "/admin/training/providers", formRefused)},
	}
}
