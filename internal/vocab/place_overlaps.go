package vocab

import (
	"context"
	"strings"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// A place or postcode may belong to more than one area: postcode districts straddle area
// boundaries, and two areas can have a village of the same name. That is allowed, but the
// admin is told, so it is a choice and not a slip.

// Overlap is one place or postcode of an area that another current area lists too.
type Overlap struct {
	Entry     string // as this area lists it
	Postcode  bool
	Other     string // the other area's name
	OtherSlug string
	OtherHas  string // the other area's entry, when it is not Entry ("ML1 4" within "ML1")
}

// Message says what the overlap means for a search, in words for the admin.
func (o Overlap) Message() string {
	switch {
	case !o.Postcode:
		return o.Entry + " is also a place of " + o.Other + ": a search naming it finds services covering either area first."
	case o.OtherHas == "":
		return o.Entry + " is also listed under " + o.Other + ": a postcode in " + o.Entry + " finds services covering either area first."
	case len(o.OtherHas) > len(o.Entry):
		return o.Other + " lists the sector " + o.OtherHas + ", within " + o.Entry + ": postcodes in " + o.OtherHas +
			" find " + o.Other + " first, the rest of " + o.Entry + " this area."
	}
	return o.Other + " lists the whole district " + o.OtherHas + ": postcodes in " + o.Entry +
		" find this area first, since a sector beats a district."
}

// PlaceOverlaps says which of places the current areas other than the one with slug list too.
func (s *Store) PlaceOverlaps(ctx context.Context, v access.Viewer, slug string, places Places) ([]Overlap, error) {
	if !v.IsAdmin() {
		return nil, edit.ErrNotFound
	}
	all, err := loadAreaPlaces(ctx, s.db, `true`, nil, false)
	if err != nil {
		return nil, err
	}
	return overlaps(slug, places, all), nil
}

// overlaps compares places (of the area with slug) with every other area's.
func overlaps(slug string, places Places, all []AreaPlaces) []Overlap {
	var out []Overlap
	for _, p := range places.Places {
		for _, a := range all {
			if a.AreaSlug == slug {
				continue
			}
			for _, q := range a.Places.Places {
				if strings.EqualFold(p, q) {
					out = append(out, Overlap{Entry: p, Other: a.AreaName, OtherSlug: a.AreaSlug})
				}
			}
		}
	}
	for _, p := range places.Postcodes {
		for _, a := range all {
			if a.AreaSlug == slug {
				continue
			}
			for _, q := range a.Places.Postcodes {
				switch {
				case strings.EqualFold(p, q):
					out = append(out, Overlap{Entry: p, Postcode: true, Other: a.AreaName, OtherSlug: a.AreaSlug})
				case within(q, p), within(p, q):
					out = append(out, Overlap{Entry: p, Postcode: true, Other: a.AreaName, OtherSlug: a.AreaSlug, OtherHas: q})
				}
			}
		}
	}
	return out
}

// within reports whether sector is a sector of district ("ML1 4" of "ML1").
func within(sector, district string) bool {
	d, _, ok := strings.Cut(strings.ToUpper(sector), " ")
	return ok && !strings.Contains(district, " ") && d == strings.ToUpper(district)
}
