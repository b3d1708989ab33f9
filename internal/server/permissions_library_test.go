package server

import (
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The library's rows of the permission matrix. The RSL officer of the matrix belongs to Clyde
// Valley, which keeps demoOwnResource; demoOtherResource is the council's. The archive and
// restore rows send the version the page would, each on a resource of its own (so no row's
// outcome depends on another's), and prove that the allowed role's request changed it and
// nobody else's did.

func init() { featureMatrices = append(featureMatrices, libraryMatrix) }

const (
	demoPublicResource = "housing-domestic-abuse-policy"
	demoStaffResource  = "marac-operating-protocol" // staff only, with a file
	demoOwnResource    = "clyde-valley-domestic-abuse-policy"
	demoOtherResource  = demoPublicResource
	// Resources no other row uses: one to archive, one archived to restore, and one of Clyde
	// Valley's (made by the matrix) for its officer to archive.
	matrixArchiveResource = "understanding-coercive-control-video"
	matrixRestoreResource = "tech-safety-guide"
	matrixOwnResource     = "matrix-clyde-valley-resource"
)

func libraryMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	mustExec(t, pool, `UPDATE resources SET archived_at = now(), version = version + 1 WHERE slug = $1`, matrixRestoreResource)
	mustExec(t, pool, `INSERT INTO resources (slug, title, kind, owner_id, visibility, url)
		SELECT $1, 'Matrix resource of Clyde Valley', 'guidance', owner_id, 'public', 'https://example.org/matrix'
		FROM resources WHERE slug = $2`, matrixOwnResource, demoOwnResource)
	rsl, admin := access.RSLOfficer, access.Admin
	staffOnly := func(method, path string) check { return everyone(method, path, ok200).with(access.Anonymous, no404) }
	own, other := "/my/resources/"+demoOwnResource, "/my/resources/"+demoOtherResource
	version := func(slug string) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM resources WHERE slug = $1`, slug)
	}
	state := func(slug string) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, archived_at) FROM resources WHERE slug = $1`, slug)
	}
	return map[string][]check{
		"GET /resources": {
			everyone("GET", "/resources", ok200),
			everyone("GET", "/resources?q=dash&kind=form_checklist&topic=marac", ok200),
			everyone("GET", "/resources?kind=recipe", bad400),
			// A staff-only organisation is unknown to the public, as if it did not exist.
			everyone("GET", "/resources?owner=north-lanarkshire-marac", ok200).with(access.Anonymous, bad400),
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
		"POST /admin/resources/new": {only("POST", "/admin/resources/new", invalid422, admin)},
		"GET /admin/resources/{slug}/edit": {
			only("GET", "/admin/resources/"+demoOwnResource+"/edit", ok200, admin),
			only("GET", "/admin/resources/no-such-resource/edit", no404),
		},
		"POST /admin/resources/{slug}/edit": {
			only("POST", "/admin/resources/"+demoOwnResource+"/edit", invalid422, admin),
			only("POST", "/admin/resources/no-such-resource/edit", no404),
		},
		"POST /admin/resources/{slug}/archive": {
			only("POST", "/admin/resources/"+demoOwnResource+"/archive", ok200, admin).watching(state(demoOwnResource)), // not confirmed: asks
			only("POST", "/admin/resources/"+demoOwnResource+"/archive", conflict409, admin).watching(state(demoOwnResource)).
				sending(confirming(func(*testing.T) url.Values { return url.Values{} })), // no version
			only("POST", "/admin/resources/"+matrixArchiveResource+"/archive", redirectTo("/admin/resources").changed(), admin).
				sending(confirming(version(matrixArchiveResource))).watching(state(matrixArchiveResource)),
		},
		"GET /admin/resources/{slug}/archive": {
			only("GET", "/admin/resources/"+demoOwnResource+"/archive", ok200, admin),
			only("GET", "/admin/resources/no-such-resource/archive", no404),
		},
		"POST /admin/resources/{slug}/restore": {
			only("POST", "/admin/resources/"+matrixRestoreResource+"/restore", redirectTo("/admin/resources").changed(), admin).
				sending(version(matrixRestoreResource)).watching(state(matrixRestoreResource)),
		},
		"GET /admin/resource-topics":  {only("GET", "/admin/resource-topics", ok200, admin)},
		"POST /admin/resource-topics": {only("POST", "/admin/resource-topics", invalid422, admin)},
		"POST /admin/resource-topics/{slug}": {
			only("POST", "/admin/resource-topics/marac", invalid422, admin),
			only("POST", "/admin/resource-topics/no-such-topic", no404),
		},

		"GET /my/resources":      {only("GET", "/my/resources", ok200, rsl)},
		"GET /my/resources/new":  {only("GET", "/my/resources/new", ok200, rsl)},
		"POST /my/resources/new": {only("POST", "/my/resources/new", invalid422, rsl)},
		"GET /my/resources/{slug}/edit": {
			only("GET", own+"/edit", ok200, rsl),
			only("GET", other+"/edit", no404),
		},
		"POST /my/resources/{slug}/edit": {
			only("POST", own+"/edit", invalid422, rsl),
			only("POST", other+"/edit", no404),
		},
		"POST /my/resources/{slug}/archive": {
			only("POST", "/my/resources/"+matrixOwnResource+"/archive", redirectTo("/my/resources").changed(), rsl).
				sending(confirming(version(matrixOwnResource))).watching(state(matrixOwnResource)),
			only("POST", other+"/archive", no404).sending(confirming(version(demoOtherResource))).watching(state(demoOtherResource)),
		},
		"GET /my/resources/{slug}/archive": {
			only("GET", own+"/archive", ok200, rsl),
			only("GET", other+"/archive", no404),
		},
	}
}
