package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The permission matrix rows of "report a problem": everyone who may see an agency may open
// its report form (anonymous visitors get 404 on a staff-only agency, as on its page); only
// admins see the reports, everyone else signed in gets 404 and anonymous visitors are sent
// to sign in. The posts send forms refused as they stand, so no row depends on the throttle.
func init() {
	featureMatrices = append(featureMatrices, reportsMatrix)
}

func reportsMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	ctx := context.Background()
	var staffAgency string
	var report, moved int64
	if err := pool.QueryRow(ctx, `SELECT slug FROM agencies WHERE visibility = 'staff' AND archived_at IS NULL ORDER BY id LIMIT 1`).
		Scan(&staffAgency); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO problem_reports (agency_id, kind) SELECT id, 'phone' FROM agencies WHERE slug = $1
		RETURNING id`, matrixOrg).Scan(&report); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO problem_reports (agency_id, kind) SELECT id, 'hours' FROM agencies WHERE slug = $1
		RETURNING id`, matrixOrg).Scan(&moved); err != nil {
		t.Fatal(err)
	}
	admin := access.Admin
	public := "/agencies/" + matrixOrg + "/report"
	staff := "/agencies/" + staffAgency + "/report"
	reportPath := fmt.Sprintf("/admin/reports/%d", report)
	movedPath := fmt.Sprintf("/admin/reports/%d", moved)
	return map[string][]check{
		"GET /agencies/{slug}/report": {everyone("GET", public, ok200),
			everyone("GET", staff, ok200).with(access.Anonymous, no404),
			everyone("GET", "/agencies/atlantis/report", no404)},
		"POST /agencies/{slug}/report": {
			everyone("POST", public, invalid422).watching(dbText(pool, `SELECT count(*)::text FROM problem_reports`)),
			everyone("POST", staff, invalid422).with(access.Anonymous, no404).
				watching(dbText(pool, `SELECT count(*)::text FROM problem_reports`)),
		},
		"GET /agencies/{slug}/report/sent": {everyone("GET", public+"/sent", ok200),
			everyone("GET", staff+"/sent", ok200).with(access.Anonymous, no404)},
		"GET /admin/reports": {only("GET", "/admin/reports", ok200, admin), only("GET", "/admin/reports?status=open", ok200, admin),
			only("GET", "/admin/reports?status=bogus", no404, admin)},
		"GET /admin/reports/{id}": {only("GET", reportPath, ok200, admin),
			only("GET", "/admin/reports/999999", no404, admin), only("GET", "/admin/reports/abc", no404, admin)},
		"POST /admin/reports/{id}": {
			only("POST", reportPath, conflict409, admin), // no version: asked again
			only("POST", "/admin/reports/999999", no404, admin),
			only("POST", movedPath, redirectTo("/admin/reports").changed(), admin).
				sending(func(t *testing.T) url.Values {
					f := versionForm(pool, `SELECT version FROM problem_reports WHERE id = $1`, moved)(t)
					f.Set("status", "in_progress")
					return f
				}).
				watching(dbText(pool, `SELECT status || version FROM problem_reports WHERE id = $1`, moved)),
		},
	}
}
