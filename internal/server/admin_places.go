package server

import (
	"errors"
	"net/http"
	"strconv"

	"dadirectory/internal/edit"
	"dadirectory/internal/validate"
	"dadirectory/internal/vocab"
	"dadirectory/templates"
)

// Admins keep the towns, villages and postcode districts of each area here. A place or
// postcode another area lists too is allowed, and said.

func (s *Server) handleAdminPlaces(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	areas, err := s.vocab.AllAreaPlaces(ctx, viewer(ctx))
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminPlaces(s.base(r), templates.AdminPlacesPage{Areas: areas, Flash: s.popFlash(r)}))
}

// adminAreaPlaces is the area the URL names, with its places.
func (s *Server) adminAreaPlaces(r *http.Request) (vocab.AreaPlaces, error) {
	slug, err := pathSlug(r)
	if err != nil {
		return vocab.AreaPlaces{}, err
	}
	ctx := r.Context()
	return s.vocab.AreaPlacesOf(ctx, viewer(ctx), slug)
}

func (s *Server) handleAdminAreaPlaces(w http.ResponseWriter, r *http.Request) error {
	a, err := s.adminAreaPlaces(r)
	if err != nil {
		return err
	}
	page := templates.AdminAreaPlacesPage{Area: a, Values: a.Input(), Version: a.Version, Original: edit.Original(a.Input()),
		Flash: s.popFlash(r)}
	return s.renderAreaPlaces(w, r, http.StatusOK, page, a.Places)
}

// renderAreaPlaces draws an area's form, saying which of places other areas list too.
func (s *Server) renderAreaPlaces(w http.ResponseWriter, r *http.Request, status int, page templates.AdminAreaPlacesPage, places vocab.Places) error {
	ctx := r.Context()
	var err error
	if page.Overlaps, err = s.vocab.PlaceOverlaps(ctx, viewer(ctx), page.Area.AreaSlug, places); err != nil {
		return err
	}
	return s.render(w, r, status, templates.AdminAreaPlaces(s.base(r), page))
}

func (s *Server) handleAdminAreaPlacesUpdate(w http.ResponseWriter, r *http.Request) error {
	version, err := parseVersionForm(r)
	if err != nil {
		return err
	}
	a, err := s.adminAreaPlaces(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f := r.PostForm
	in := vocab.PlacesInput{Places: f.Get("places"), Postcodes: f.Get("postcodes")}
	saved, err := s.vocab.UpdateAreaPlaces(ctx, viewer(ctx), a.AreaSlug, in, version)
	var invalid validate.Errors
	var conflict *edit.ConflictError[vocab.AreaPlaces]
	switch {
	case err == nil:
		msg := savedMessage("Saved the places of "+saved.AreaName+".", version, saved.Version)
		if over, err := s.vocab.PlaceOverlaps(ctx, viewer(ctx), saved.AreaSlug, saved.Places); err == nil && len(over) > 0 && saved.Version != version {
			msg += " " + overlapCount(len(over)) + " also listed under other areas: see below."
		}
		return s.redirectWithFlash(w, r, "/admin/places/"+saved.AreaSlug+"/edit", msg)
	case errors.As(err, &invalid):
		page := templates.AdminAreaPlacesPage{Area: a, Values: in, Version: version, Original: f.Get("original"),
			Errors: templates.FieldErrors(invalid)}
		typed, _ := vocab.CleanPlaces(in) // the overlaps of what was typed, as far as it reads
		return s.renderAreaPlaces(w, r, http.StatusUnprocessableEntity, page, typed)
	case errors.As(err, &conflict):
		now := conflict.Current
		merged, c := vocab.PlacesForm().Resolve(f.Get("original"), now.Input(), in)
		c.SavedBy, c.SavedAt = conflict.SavedBy, conflict.SavedAt
		page := templates.AdminAreaPlacesPage{Area: now, Values: merged, Version: now.Version, Original: edit.Original(now.Input()),
			Conflict: c}
		return s.renderAreaPlaces(w, r, http.StatusConflict, page, now.Places)
	default:
		return err
	}
}

func overlapCount(n int) string {
	if n == 1 {
		return "One of them is"
	}
	return strconv.Itoa(n) + " are"
}
