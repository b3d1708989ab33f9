package server

import (
	"context"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/openreferral"
)

// The permission matrix rows of the open data API: everyone, signed in or not, reads the same
// public data; a staff-only agency's service and organisation are not found, even by staff
// (the API has no session).
func init() {
	featureMatrices = append(featureMatrices, openReferralMatrix)
}

func openReferralMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	var svc, org, staffSvc, staffOrg, term string
	if err := pool.QueryRow(context.Background(), `SELECT
		(SELECT service_uuid::text FROM agencies WHERE slug = 'galop'), (SELECT uuid::text FROM agencies WHERE slug = 'galop'),
		(SELECT service_uuid::text FROM agencies WHERE visibility = 'staff' ORDER BY id LIMIT 1),
		(SELECT uuid::text FROM agencies WHERE visibility = 'staff' ORDER BY id LIMIT 1),
		(SELECT uuid::text FROM areas ORDER BY id LIMIT 1)`).Scan(&svc, &org, &staffSvc, &staffOrg, &term); err != nil {
		t.Fatal(err)
	}
	const b = "/openreferral/v3"
	bad := outcome{status: http.StatusBadRequest}
	return map[string][]check{
		"GET " + b + "/": {everyone("GET", b+"/", ok200)},
		"GET " + b + "/services": {everyone("GET", b+"/services", ok200), everyone("GET", b+"/services?search=refuge&full=true", ok200),
			everyone("GET", b+"/services?format=ndjson", ok200), everyone("GET", b+"/services?per_page=5000", bad)},
		"GET " + b + "/services/{id}": {everyone("GET", b+"/services/"+svc, ok200), everyone("GET", b+"/services/"+staffSvc, no404),
			everyone("GET", b+"/services/nothing", no404)},
		"GET " + b + "/organizations":        {everyone("GET", b+"/organizations", ok200)},
		"GET " + b + "/organizations/{id}":   {everyone("GET", b+"/organizations/"+org, ok200), everyone("GET", b+"/organizations/"+staffOrg, no404)},
		"GET " + b + "/service_at_locations": {everyone("GET", b+"/service_at_locations", ok200)},
		"GET " + b + "/taxonomies":           {everyone("GET", b+"/taxonomies", ok200)},
		"GET " + b + "/taxonomies/{id}":      {everyone("GET", b+"/taxonomies/"+openreferral.AreasID, ok200), everyone("GET", b+"/taxonomies/x", no404)},
		"GET " + b + "/taxonomy_terms":       {everyone("GET", b+"/taxonomy_terms", ok200)},
		"GET " + b + "/taxonomy_terms/{id}":  {everyone("GET", b+"/taxonomy_terms/"+term, ok200), everyone("GET", b+"/taxonomy_terms/x", no404)},
	}
}
