package server

import (
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The library's rows of the permission matrix. The RSL officer of the matrix belongs to Clyde
// Valley, which keeps demoOwnResource; demoOtherResource is the council's.

func init() { featureMatrices = append(featureMatrices, libraryMatrix) }

const (
	demoPublicResource = "housing-domestic-abuse-policy"
	demoStaffResource  = "marac-operating-protocol" // staff only, with a file
	demoOwnResource    = "clyde-valley-domestic-abuse-policy"
	demoOtherResource  = demoPublicResource
)

func libraryMatrix(t *testing.T, _ *pgxpool.Pool) map[string][]check {
	rsl, admin := access.RSLOfficer, access.Admin
	badRequest := outcome{statuses: []int{http.StatusBadRequest}}
	staffOnly := func(method, path string) check { return everyone(method, path, ok200).with(access.Anonymous, no404) }
	own, other := "/my/resources/"+demoOwnResource, "/my/resources/"+demoOtherResource
	return map[string][]check{
		"GET /resources": {
			everyone("GET", "/resources", ok200),
			everyone("GET", "/resources?q=dash&kind=form_checklist&topic=marac", ok200),
			everyone("GET", "/resources?kind=recipe", badRequest),
			// A staff-only organisation is unknown to the public, as if it did not exist.
			everyone("GET", "/resources?owner=north-lanarkshire-marac", ok200).with(access.Anonymous, badRequest),
		},
		"GET /resources/{slug}": {
			everyone("GET", "/resources/"+demoPublicResource, ok200),
			staffOnly("GET", "/resources/"+demoStaffResource),
			everyone("GET", "/resources/no-such-resource", no404),
			everyone("GET", "/resources/Not_A_Slug", no404),
		},
		"GET /resources/{slug}/file": {
			staffOnly("GET", "/resources/"+demoStaffResource+"/file"),
			everyone("GET", "/resources/"+demoPublicResource+"/file", no404), // a link has no file
		},

		"GET /admin/resources":      {only("GET", "/admin/resources", ok200, admin)},
		"GET /admin/resources/new":  {only("GET", "/admin/resources/new", ok200, admin)},
		"POST /admin/resources/new": {only("POST", "/admin/resources/new", formRefused, admin)},
		"GET /admin/resources/{slug}/edit": {
			only("GET", "/admin/resources/"+demoOwnResource+"/edit", ok200, admin),
			only("GET", "/admin/resources/no-such-resource/edit", no404),
		},
		"POST /admin/resources/{slug}/edit": {
			only("POST", "/admin/resources/"+demoOwnResource+"/edit", formRefused, admin),
			only("POST", "/admin/resources/no-such-resource/edit", no404),
		},
		"POST /admin/resources/{slug}/archive": {only("POST", "/admin/resources/"+demoOwnResource+"/archive", formHandled, admin)},
		"POST /admin/resources/{slug}/restore": {only("POST", "/admin/resources/"+demoOwnResource+"/restore", formHandled, admin)},
		"GET /admin/resource-topics":           {only("GET", "/admin/resource-topics", ok200, admin)},
		"POST /admin/resource-topics":          {only("POST", "/admin/resource-topics", formRefused, admin)},
		"POST /admin/resource-topics/{slug}": {
			only("POST", "/admin/resource-topics/marac", formRefused, admin),
			only("POST", "/admin/resource-topics/no-such-topic", no404),
		},

		"GET /my/resources":      {only("GET", "/my/resources", ok200, rsl)},
		"GET /my/resources/new":  {only("GET", "/my/resources/new", ok200, rsl)},
		"POST /my/resources/new": {only("POST", "/my/resources/new", formRefused, rsl)},
		"GET /my/resources/{slug}/edit": {
			only("GET", own+"/edit", ok200, rsl),
			only("GET", other+"/edit", no404),
		},
		"POST /my/resources/{slug}/edit": {
			only("POST", own+"/edit", formRefused, rsl),
			only("POST", other+"/edit", no404),
		},
		"POST /my/resources/{slug}/archive": {
			only("POST", own+"/archive", formHandled, rsl),
			only("POST", other+"/archive", no404),
		},
	}
}
