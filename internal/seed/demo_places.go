package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AreaPlaces are the towns, villages and postcode districts (or sectors, where a district is
// split between areas) of each demo area, so a search for "Newmains" or "ML2" finds the
// services covering Wishaw. Longer postcode prefixes win: "ML1 4" is Bellshill, the rest of ML1
// Motherwell.
var AreaPlaces = map[string]struct{ Places, Postcodes []string }{
	"airdrie": {[]string{"Airdrie", "Caldercruix", "Plains", "Glenmavis", "Chapelhall", "Calderbank",
		"Greengairs", "Longriggend", "Petersburn", "Clarkston", "Rawyards"}, []string{"ML6"}},
	"bellshill": {[]string{"Bellshill", "Holytown", "New Stevenston", "Newarthill", "Carfin", "Orbiston"},
		[]string{"ML4 1", "ML4 3", "ML1 4", "ML1 5"}},
	"coatbridge": {[]string{"Coatbridge", "Glenboig", "Whifflet", "Kirkwood", "Old Monkland", "Sikeside",
		"Cliftonville", "Townhead", "Greenend"}, []string{"ML5"}},
	"cumbernauld": {[]string{"Cumbernauld", "Condorrat", "Abronhill", "Balloch", "Westfield", "Carbrain",
		"Kildrum", "Seafar", "Greenfaulds", "Craigmarloch"}, []string{"G67", "G68"}},
	"kilsyth": {[]string{"Kilsyth", "Banton", "Queenzieburn", "Croy"}, []string{"G65"}},
	"motherwell": {[]string{"Motherwell", "Craigneuk", "Forgewood", "Muirhouse", "Flemington", "Jerviston",
		"Cleland", "Logans"}, []string{"ML1"}},
	"shotts": {[]string{"Shotts", "Harthill", "Salsburgh", "Allanton", "Hartwood", "Dykehead", "Stane"},
		[]string{"ML7"}},
	"wishaw": {[]string{"Wishaw", "Newmains", "Cambusnethan", "Coltness", "Overtown", "Waterloo",
		"Gowkthrapple", "Pather"}, []string{"ML2"}},
	"northern-corridor": {[]string{"Moodiesburn", "Chryston", "Stepps", "Muirhead", "Auchinloch",
		"Gartcosh", "Mollinsburn"}, []string{"G33 6", "G69 8", "G69 9"}},
	"mossend-and-viewpark": {[]string{"Mossend", "Viewpark", "Tannochside", "Birkenshaw"},
		[]string{"ML4 2", "G71 5", "G71 6"}},
}

func init() { demoExtras = append(demoExtras, seedAreaPlaces) }

// seedAreaPlaces fills the places of the demo areas an admin has not given places yet.
func seedAreaPlaces(ctx context.Context, tx pgx.Tx) error {
	for slug, p := range AreaPlaces {
		if _, err := tx.Exec(ctx, `INSERT INTO area_places (area_id, places, postcodes)
SELECT id, $2, $3 FROM areas WHERE slug = $1
ON CONFLICT (area_id) DO NOTHING`, slug, p.Places, p.Postcodes); err != nil {
			return fmt.Errorf("places of %s: %w", slug, err)
		}
	}
	return nil
}
