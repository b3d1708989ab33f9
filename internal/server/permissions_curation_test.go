package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The permission matrix rows of admin curation: the dashboard, agencies and contacts, the
// taxonomy and the site settings. Only admins get in; everyone else signed in gets 404 and
// anonymous visitors are sent to sign in. Empty forms are refused and change nothing.
func init() {
	featureMatrices = append(featureMatrices, curationMatrix)
}

func curationMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	var own, other int64
	err := pool.QueryRow(context.Background(), `SELECT
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'link-group'),
		(SELECT min(c.id) FROM contacts c JOIN agencies a ON a.id = c.agency_id WHERE a.slug = 'clyde-valley-housing-association')`).
		Scan(&own, &other)
	if err != nil {
		t.Fatal(err)
	}
	admin := access.Admin
	bad := outcome{statuses: []int{http.StatusBadRequest}}
	conflict := outcome{statuses: []int{http.StatusConflict}}
	invalid := outcome{statuses: []int{http.StatusUnprocessableEntity}}
	agency := "/admin/agencies/link-group"
	contact := fmt.Sprintf("%s/contacts/%d", agency, own)
	// A contact of another agency, asked for through this one: not found.
	stranger := fmt.Sprintf("%s/contacts/%d", agency, other)
	term := "/admin/taxonomy/areas/motherwell"
	return map[string][]check{
		"GET /admin": {only("GET", "/admin", ok200, admin)},

		"GET /admin/agencies": {only("GET", "/admin/agencies", ok200, admin),
			only("GET", "/admin/agencies?status=gone", bad, admin), only("GET", "/admin/agencies?page=999", no404, admin)},
		"GET /admin/agencies/new":  {only("GET", "/admin/agencies/new", ok200, admin)},
		"POST /admin/agencies/new": {only("POST", "/admin/agencies/new", invalid, admin)},
		"GET /admin/agencies/{slug}/edit": {only("GET", agency+"/edit", ok200, admin),
			only("GET", "/admin/agencies/no-such-agency/edit", no404, admin)},
		"POST /admin/agencies/{slug}/edit":    {only("POST", agency+"/edit", invalid, admin)},
		"GET /admin/agencies/{slug}/archive":  {only("GET", agency+"/archive", ok200, admin)},
		"POST /admin/agencies/{slug}/archive": {only("POST", agency+"/archive", conflict, admin)},
		"POST /admin/agencies/{slug}/restore": {only("POST", agency+"/restore", conflict, admin)},

		"GET /admin/agencies/{slug}/contacts/new":  {only("GET", agency+"/contacts/new", ok200, admin)},
		"POST /admin/agencies/{slug}/contacts/new": {only("POST", agency+"/contacts/new", invalid, admin)},
		"GET /admin/agencies/{slug}/contacts/{id}/edit": {only("GET", contact+"/edit", ok200, admin),
			only("GET", stranger+"/edit", no404, admin), only("GET", agency+"/contacts/abc/edit", no404, admin)},
		"POST /admin/agencies/{slug}/contacts/{id}/edit": {only("POST", contact+"/edit", invalid, admin),
			only("POST", stranger+"/edit", no404, admin)},
		"GET /admin/agencies/{slug}/contacts/{id}/archive": {only("GET", contact+"/archive", ok200, admin),
			only("GET", stranger+"/archive", no404, admin)},
		"POST /admin/agencies/{slug}/contacts/{id}/archive": {only("POST", contact+"/archive", conflict, admin),
			only("POST", stranger+"/archive", no404, admin)},
		"POST /admin/agencies/{slug}/contacts/{id}/restore": {only("POST", contact+"/restore", outcome{statuses: []int{http.StatusSeeOther}}, admin),
			only("POST", stranger+"/restore", no404, admin)},

		"GET /admin/taxonomy": {only("GET", "/admin/taxonomy", ok200, admin)},
		"GET /admin/taxonomy/{kind}/new": {only("GET", "/admin/taxonomy/areas/new", ok200, admin),
			only("GET", "/admin/taxonomy/planets/new", no404, admin)},
		"POST /admin/taxonomy/{kind}/new": {only("POST", "/admin/taxonomy/audiences/new", invalid, admin)},
		"GET /admin/taxonomy/{kind}/{slug}/edit": {only("GET", term+"/edit", ok200, admin),
			only("GET", "/admin/taxonomy/areas/atlantis/edit", no404, admin), only("GET", "/admin/taxonomy/planets/motherwell/edit", no404, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/edit":    {only("POST", term+"/edit", invalid, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/merge":   {only("POST", term+"/merge", invalid, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/retire":  {only("POST", term+"/retire", conflict, admin)},
		"POST /admin/taxonomy/{kind}/{slug}/restore": {only("POST", term+"/restore", conflict, admin)},

		"GET /admin/settings":  {only("GET", "/admin/settings", ok200, admin)},
		"POST /admin/settings": {only("POST", "/admin/settings", conflict, admin)},
	}
}
