package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/a-h/templ"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/searchform"
	"dadirectory/templates"
)

// searchPage is what serveSearch needs to know of a page of results.
type searchPage interface{ PastLastPage() bool }

// serveSearch answers a search page (/directory, /resources): it reads the query with parse,
// runs it with search, and draws the results with show. A query that cannot be used (text too
// long, a filter value that is not slug-shaped or names nothing) gets 400 and the page with
// the form as the person filled it and a message by the field to change; search is then not
// run, or its results are dropped. A page number past the last page of results gets 404.
//
// show gets the query as read, the results (empty when there are errors) and the errors; it
// reads what else the page needs (the filter choices) itself.
func serveSearch[Q any, R searchPage](s *Server, w http.ResponseWriter, r *http.Request,
	parse func(url.Values) (Q, error),
	search func(context.Context, access.Viewer, Q) (R, error),
	show func(ctx context.Context, q Q, res R, errs []templates.FieldError) (templ.Component, error),
) error {
	ctx := r.Context()
	q, err := parse(r.URL.Query())
	var res R
	if err == nil {
		res, err = search(ctx, viewer(ctx), q)
	}
	var errs []templates.FieldError
	var inputErr *searchform.InputError
	var unknown *searchform.UnknownFilterError
	switch {
	case err == nil:
		if res.PastLastPage() {
			return edit.ErrNotFound
		}
	case errors.As(err, &inputErr):
		errs = []templates.FieldError{{Field: inputErr.Field, Target: fieldTarget(inputErr.Field), Message: inputErr.Message}}
	case errors.As(err, &unknown):
		errs = []templates.FieldError{{Field: unknown.Field, Target: fieldTarget(unknown.Field),
			Message: "We do not recognise one of the choices in this search. Choose from the list."}}
	default:
		return err
	}
	if errs != nil {
		var empty R
		res = empty
	}
	page, err := show(ctx, q, res, errs)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if errs != nil {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, page)
}

// fieldTarget is the id on a search form that an error about field links to.
func fieldTarget(field string) string {
	if field == searchform.TextField {
		return "q"
	}
	return "f-" + field
}
