package server

import (
	"context"
	"net/http"

	"github.com/a-h/templ"

	"dadirectory/internal/directory"
	"dadirectory/templates"
)

// handleDirectory searches and filters agencies. A query it cannot use gets 400 with the form
// as the person filled it and a message saying what to change (serveSearch).
func (s *Server) handleDirectory(w http.ResponseWriter, r *http.Request) error {
	return serveSearch(s, w, r, directory.ParseQuery, s.directory.Search,
		func(ctx context.Context, q directory.Query, res directory.Results, errs []templates.FieldError) (templ.Component, error) {
			tax, err := s.directory.Taxonomy(ctx)
			if err != nil {
				return nil, err
			}
			res.Query = q
			return templates.Directory(s.base(r), templates.DirectoryPage{Taxonomy: tax, Results: res, Errors: errs}), nil
		})
}
