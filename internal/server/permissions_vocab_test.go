package server

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"dadirectory/internal/access"
)

// The permission matrix rows of the search vocabulary: only admins get in, everyone else
// signed in gets 404 and anonymous visitors are sent to sign in. Empty forms are refused; the
// remove and places rows that send the page's version prove the admin's request changed the
// row and nobody else's did.
func init() {
	featureMatrices = append(featureMatrices, vocabMatrix)
}

func vocabMatrix(t *testing.T, pool *pgxpool.Pool) map[string][]check {
	t.Helper()
	ctx := context.Background()
	var set, doomed int64
	if err := pool.QueryRow(ctx, `SELECT (SELECT id FROM synonym_sets WHERE 'stalking' = ANY(phrases)),
		(SELECT id FROM synonym_sets WHERE 'MAPPA' = ANY(phrases))`).Scan(&set, &doomed); err != nil {
		t.Fatal(err)
	}
	// Kilsyth is retired: its places are not offered for editing.
	mustExec(t, pool, `UPDATE areas SET retired_at = now(), version = version + 1 WHERE slug = 'kilsyth'`)
	admin := access.Admin
	setPath := fmt.Sprintf("/admin/synonyms/%d", set)
	doomedPath := fmt.Sprintf("/admin/synonyms/%d", doomed)
	places := "/admin/places/coatbridge/edit"
	placesForm := func(t *testing.T) url.Values {
		f := versionForm(pool, `SELECT p.version FROM area_places p JOIN areas a ON a.id = p.area_id WHERE a.slug = 'coatbridge'`)(t)
		f.Set("places", "Coatbridge\nGlenboig\nWhifflet")
		f.Set("postcodes", "ML5")
		return f
	}
	return map[string][]check{
		"GET /admin/synonyms":      {only("GET", "/admin/synonyms", ok200, admin)},
		"GET /admin/synonyms/new":  {only("GET", "/admin/synonyms/new", ok200, admin)},
		"POST /admin/synonyms/new": {only("POST", "/admin/synonyms/new", invalid422, admin)},
		"GET /admin/synonyms/{id}/edit": {only("GET", setPath+"/edit", ok200, admin),
			only("GET", "/admin/synonyms/999999/edit", no404, admin), only("GET", "/admin/synonyms/abc/edit", no404, admin)},
		"POST /admin/synonyms/{id}/edit": {only("POST", setPath+"/edit", invalid422, admin),
			only("POST", "/admin/synonyms/999999/edit", no404, admin)},
		"GET /admin/synonyms/{id}/remove": {only("GET", setPath+"/remove", ok200, admin)},
		"POST /admin/synonyms/{id}/remove": {
			only("POST", setPath+"/remove", ok200, admin), // not confirmed: asked
			only("POST", setPath+"/remove", conflict409, admin).sending(confirming(func(*testing.T) url.Values { return url.Values{} })), // no version: asked again
			only("POST", doomedPath+"/remove", redirectTo("/admin/synonyms").changed(), admin).
				sending(confirming(versionForm(pool, `SELECT version FROM synonym_sets WHERE id = $1`, doomed))).
				watching(dbText(pool, `SELECT count(*)::text FROM synonym_sets WHERE id = $1`, doomed)),
		},
		"GET /admin/places": {only("GET", "/admin/places", ok200, admin)},
		"GET /admin/places/{slug}/edit": {only("GET", places, ok200, admin),
			only("GET", "/admin/places/atlantis/edit", no404, admin), only("GET", "/admin/places/kilsyth/edit", no404, admin)},
		"POST /admin/places/{slug}/edit": {
			only("POST", places, conflict409, admin), // no version
			only("POST", places, redirectTo(places).changed(), admin).sending(placesForm).
				watching(dbText(pool, `SELECT concat_ws(' ', p.version, p.places) FROM area_places p JOIN areas a ON a.id = p.area_id WHERE a.slug = 'coatbridge'`)),
		},
	}
}
