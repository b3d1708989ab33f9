package server

import (
	"errors"
	"net/http"

	"dadirectory/internal/directory"
	"dadirectory/internal/searchform"
	"dadirectory/templates"
)

// handleDirectory searches and filters agencies. A query it cannot use gets 400 with the form
// as the person filled it and a message saying what to change.
func (s *Server) handleDirectory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, qerr := directory.ParseQuery(r.URL.Query())
	tax, err := s.directory.Taxonomy(ctx)
	if err != nil {
		return err
	}
	page := templates.DirectoryPage{Taxonomy: tax, Results: directory.Results{Query: q}}
	if qerr == nil {
		page.Results, err = s.directory.Search(ctx, viewer(ctx), q)
		qerr = err
	}
	var inputErr *searchform.InputError
	var unknown *searchform.UnknownFilterError
	switch {
	case qerr == nil:
		if page.Results.Total > 0 && q.Page > page.Results.Pages {
			return errPageNotFound
		}
		return s.render(w, r, http.StatusOK, templates.Directory(s.base(r), page))
	case errors.As(qerr, &inputErr):
		page.Errors = []templates.FieldError{{Field: inputErr.Field, Target: fieldTarget(inputErr.Field), Message: inputErr.Message}}
	case errors.As(qerr, &unknown):
		page.Errors = []templates.FieldError{{Field: unknown.Field, Target: fieldTarget(unknown.Field),
			Message: "We do not recognise one of the choices in this search. Choose from the list."}}
	default:
		return qerr
	}
	return s.render(w, r, http.StatusBadRequest, templates.Directory(s.base(r), page))
}

// fieldTarget is the id on the directory form that an error about field links to.
func fieldTarget(field string) string {
	if field == "q" {
		return "q"
	}
	return "f-" + field
}
