package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The permission matrix rows of admin curation: the dashboard, agencies and contacts, the
// taxonomy and the site settings. Only admins get in; everyone else signed in gets 404 and
// anonymous visitors are sent to sign in. Empty forms are refused. The archive and restore
// rows send the version the page would, each on a row of its own (so no row's outcome
// depends on another's), and prove the admin's request changed it and nobody else's did.
func init() {
	featureMatrices = append(featureMatrices, curationMatrix)
}

func curationMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	ctx := context.Background()
	// own, archiveContact and restoreContact are link-group's; other is Clyde Valley's.
	var own, archiveContact, restoreContact, other int64
	err := pool.QueryRow(ctx, `WITH link AS (SELECT c.id, row_number() OVER (ORDER BY c.id) AS n FROM contacts c
			JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'link-group' AND c.archived_at IS NULL)
		SELECT (SELECT id FROM link WHERE n = 1), (SELECT id FROM link WHERE n = 2), (SELECT id FROM link WHERE n = 3),
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'clyde-valley-housing-association')`).
		Scan(&own, &archiveContact, &restoreContact, &other)
	if err != nil {
		t.Fatal(err)
	}
	// Two agencies nothing else in the matrix uses, one to archive and one archived to restore.
	var archiveAgency, restoreAgency string
	err = pool.QueryRow(ctx, `WITH spare AS (SELECT slug, row_number() OVER (ORDER BY slug) AS n FROM agencies
			WHERE archived_at IS NULL AND visibility = 'public' AND kind NOT IN ('rsl', 'council')
			AND slug NOT IN ('galop', 'link-group', 'clyde-valley-housing-association')
			AND NOT EXISTS (SELECT 1 FROM users u WHERE u.agency_id = agencies.id))
		SELECT (SELECT slug FROM spare WHERE n = 1), (SELECT slug FROM spare WHERE n = 2)`).Scan(&archiveAgency, &restoreAgency)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, pool, `UPDATE agencies SET archived_at = now(), version = version + 1 WHERE slug = $1`, restoreAgency)
	mustExec(t, pool, `UPDATE contacts SET archived_at = now(), version = version + 1 WHERE id = $1`, restoreContact)
	// Areas: motherwell is edited and merged (refused), wishaw retired, shotts restored.
	mustExec(t, pool, `UPDATE areas SET retired_at = now(), version = version + 1 WHERE slug = 'shotts'`)

	admin := access.Admin
	agency := "/admin/agencies/link-group"
	contact := fmt.Sprintf("%s/contacts/%d", agency, own)
	// A contact of another agency, asked for through this one: not found.
	stranger := fmt.Sprintf("%s/contacts/%d", agency, other)
	term := "/admin/taxonomy/areas/motherwell"

	agencyVersion := func(slug string) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM agencies WHERE slug = $1`, slug)
	}
	agencyState := func(slug string) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, archived_at) FROM agencies WHERE slug = $1`, slug)
	}
	contactVersion := func(id int64) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM contacts WHERE id = $1`, id)
	}
	contactState := func(id int64) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, archived_at) FROM contacts WHERE id = $1`, id)
	}
	areaVersion := func(slug string) func(*testing.T) url.Values {
		return versionForm(pool, `SELECT version FROM areas WHERE slug = $1`, slug)
	}
	areaState := func(slug string) func(*testing.T) string {
		return dbText(pool, `SELECT concat_ws(' ', version, retired_at) FROM areas WHERE slug = $1`, slug)
	}
	contactAt := func(id int64, action string) string { return fmt.Sprintf("%s/contacts/%d/%s", agency, id, action) }
	return map[string][]check{
		"GET /admin":               {only("GET", "/admin", ok200, admin)},
		"POST /admin/changes/seen": {only("POST", "/admin/changes/seen", bad400, admin)},

		"GET /admin/agencies": {only("GET", "/admin/agencies", ok200, admin),
			only("GET", "/admin/agencies?status=gone", bad400, admin), only("GET", "/admin/agencies?page=999", no404, admin)},
		"GET /admin/agencies/new":  {only("GET", "/admin/agencies/new", ok200, admin)},
		"POST /admin/agencies/new": {only("POST", "/admin/agencies/new", invalid422, admin)},
		"GET /admin/agencies/{slug}/edit": {only("GET", agency+"/edit", ok200, admin),
			only("GET", "/admin/agencies/no-such-agency/edit", no404, admin)},
		"POST /admin/agencies/{slug}/edit":   {only("POST", agency+"/edit", invalid422, admin)},
		"GET /admin/agencies/{slug}/archive": {only("GET", agency+"/archive", ok200, admin)},
		"POST /admin/agencies/{slug}/archive": {
			only("POST", agency+"/archive", ok200, admin), // not confirmed: asked
			only("POST", agency+"/archive", conflict409, admin).sending(confirming(func(*testing.T) url.Values { return url.Values{} })), // no version: asked again
			only("POST", "/admin/agencies/"+archiveAgency+"/archive", redirectTo("/admin/agencies/"+archiveAgency+"/edit").changed(), admin).
				sending(confirming(agencyVersion(archiveAgency))).watching(agencyState(archiveAgency)),
		},
		"POST /admin/agencies/{slug}/restore": {
			only("POST", agency+"/restore", conflict409, admin),
			only("POST", "/admin/agencies/"+restoreAgency+"/restore", redirectTo("/admin/agencies/"+restoreAgency+"/edit").changed(), admin).
				sending(agencyVersion(restoreAgency)).watching(agencyState(restoreAgency)),
		},

		"GET /admin/agencies/{slug}/contacts/new":  {only("GET", agency+"/contacts/new", ok200, admin)},
		"POST /admin/agencies/{slug}/contacts/new": {only("POST", agency+"/contacts/new", invalid422, admin)},
		"GET /admin/agencies/{slug}/contacts/{id}/edit": {only("GET", contact+"/edit", ok200, admin),
			only("GET", stranger+"/edit", no404, admin), only("GET", agency+"/contacts/abc/edit", no404, admin)},
		"POST /admin/agencies/{slug}/contacts/{id}/edit": {only("POST", contact+"/edit", invalid422, admin),
			only("POST", stranger+"/edit", no404, admin)},
		"GET /admin/agencies/{slug}/contacts/{id}/archive": {only("GET", contact+"/archive", ok200, admin),
			only("GET", stranger+"/archive", no404, admin)},
		"POST /admin/agencies/{slug}/contacts/{id}/archive": {
			only("POST", contact+"/archive", ok200, admin), // not confirmed: asked
			only("POST", contact+"/archive", conflict409, admin).sending(confirming(func(*testing.T) url.Values { return url.Values{} })),
			only("POST", contactAt(archiveContact, "archive"), redirectTo(agency+"/edit").changed(), admin).
				sending(confirming(contactVersion(archiveContact))).watching(contactState(archiveContact)),
			only("POST", stranger+"/archive", no404, admin).sending(confirming(contactVersion(other))).watching(contactState(other)),
		},
		"POST /admin/agencies/{slug}/contacts/{id}/restore": {
			// Without a version the restore is refused as a change made meanwhile: back to the page.
			only("POST", contactAt(restoreContact, "restore"), redirectTo(agency+"/edit"), admin).watching(contactState(restoreContact)),
			only("POST", contactAt(restoreContact, "restore"), redirectTo(agency+"/edit").changed(), admin).
				sending(contactVersion(restoreContact)).watching(contactState(restoreContact)),
			only("POST", stranger+"/restore", no404, admin).sending(contactVersion(other)).watching(contactState(other)),
		},

		"GET /admin/taxonomy": {only("GET", "/admin/taxonomy", ok200, admin)},
		"GET /admin/taxonomy/{kind}/new": {only("GET", "/admin/taxonomy/areas/new", ok200, admin),
			only("GET", "/admin/taxonomy/planets/new", no404, admin)},
		"POST /admin/taxonomy/{kind}/new": {only("POST", "/admin/taxonomy/audiences/new", invalid422, admin)},
		"GET /admin/taxonomy/{kind}/{slug}/edit": {only("GET", term+"/edit", ok200, admin),
			only("GET", "/admin/taxonomy/areas/atlantis/edit", no404, admin), only("GET", "/admin/taxonomy/planets/motherwell/edit", no404, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/edit":  {only("POST", term+"/edit", invalid422, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/merge": {only("POST", term+"/merge", invalid422, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/retire": {
			only("POST", term+"/retire", ok200, admin).watching(areaState("motherwell")), // asked first
			only("POST", term+"/retire", conflict409, admin).sending(func(*testing.T) url.Values { return url.Values{"confirm": {"1"}} }),
			only("POST", "/admin/taxonomy/areas/wishaw/retire", redirectTo("/admin/taxonomy/areas/wishaw/edit").changed(), admin).
				sending(confirming(areaVersion("wishaw"))).watching(areaState("wishaw")),
		},
		"POST /admin/taxonomy/{kind}/{slug}/restore": {
			only("POST", term+"/restore", conflict409, admin),
			only("POST", "/admin/taxonomy/areas/shotts/restore", redirectTo("/admin/taxonomy/areas/shotts/edit").changed(), admin).
				sending(areaVersion("shotts")).watching(areaState("shotts")),
		},

		"GET /admin/settings":  {only("GET", "/admin/settings", ok200, admin)},
		"POST /admin/settings": {only("POST", "/admin/settings", conflict409, admin)},
	}
}

// mustExec runs sql, for the matrix's fixtures.
func mustExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	tag, err := pool.Exec(context.Background(), sql, args...)
	if err != nil || tag.RowsAffected() == 0 {
		t.Fatalf("%s %v: %v (%d rows)", sql, args, err, tag.RowsAffected())
	}
}
